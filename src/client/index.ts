export { ApiClient, ApiError, type ApiClientOptions, type StatusEntry } from './api-client.js';
export { API_PASSWORD_ENV, CommandUsageError, runSendCommand, runStatusCommand, SEND_USAGE, type CommandIo } from './send-command.js';
