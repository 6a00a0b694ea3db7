export { ApiClient, ApiError, type ApiClientOptions, type StatusEntry } from './api-client.js';
export { CommandUsageError, runSendCommand, runStatusCommand, SEND_USAGE, type CommandIo } from './send-command.js';
