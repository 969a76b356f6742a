/**
 * A configuration file that is not what its parser reads (not real `iptables-save` output, a truncated
 * export): the whole file is refused, because auditing half of it would report false gaps.
 * Shared by every vendor parser. `message` is one line without the location; print it as
 * `${file}:${line}: ${message}`.
 */
export class ParseError extends Error {
  constructor(
    readonly file: string,
    /** 1-based line of the offending text; absent when the problem is the file as a whole. */
    readonly line: number | undefined,
    message: string,
  ) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' ').trim());
    this.name = 'ParseError';
  }
}
