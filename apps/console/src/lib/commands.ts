/**
 * Every command the console can send, declared once (lib/command-kit.ts): the operator's commands
 * on a client and on a case, the executive's approval, enrolment.
 */
export * from './command-kit.js';
export * from './subscriber-commands.js';
export * from './case-commands.js';
