/**
 * wharf/hub: the Hugging Face Hub client. The read side lands with issue #4 and the write side with
 * #5; what is here now is what the mirror needs too: repo types and ids.
 */
export * from "./repo-id.js";
