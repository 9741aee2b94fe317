// The client layer of the tasks: one context (connection, deployment, signer on demand, output), one error class,
// one "send and describe", one deployment reader, input checks.
export * from "./context.js";
export * from "./deployment.js";
export * from "./errors.js";
export * from "./options.js";
export * from "./output.js";
export * from "./send.js";
export * from "./service.js";
