/** A problem with what the user gave (arguments, files, profile): reported in one line, exit code 2. */
export class UsageError extends Error {}
