/**
 * An error the CLI reports as one line (`error: <message>`) with exit code 1 and no
 * stack trace: the message alone must tell a person what to fix.
 */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** `ENOENT` & co. as a sentence that names the file. */
export function describeFsError(error: unknown, verb: 'read' | 'write', file: string): CliError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return new CliError(verb === 'read' ? `${file}: no such file` : `cannot write ${file}: its folder does not exist`);
    case 'EACCES':
    case 'EPERM':
      return new CliError(`cannot ${verb} ${file}: permission denied`);
    case 'EISDIR':
      return new CliError(`cannot ${verb} ${file}: it is a folder, not a file`);
    default:
      return new CliError(`cannot ${verb} ${file}: ${(error as Error)?.message ?? String(error)}`);
  }
}
