// The inbox: where pollers hand incoming messages, and the status messages answered to their senders.
export { Inbox, type InboxOptions, type InboxStore } from './inbox.js';
export { StatusReplies, type RepliedMessage, type StatusRepliesOptions } from './status-replies.js';
