/** One problem with one environment variable, described without its value. */
export interface ConfigProblem {
  /** The environment variable at fault. */
  variable: string;
  /** One line naming the variable; never contains its value when that may be a secret. */
  message: string;
}

/**
 * Start-up configuration problems: every one found, one line each, each naming its environment variable
 * and never containing a secret value. `main.ts` prints one `Configuration error: …` line per problem, so
 * an operator fixes them all in one go instead of one restart per missing variable.
 */
export class ConfigError extends Error {
  override name = 'ConfigError' as const;
  /** Every problem found, in the order the variables are read. */
  readonly problems: readonly ConfigProblem[];
  /** The first problem's variable. */
  readonly variable: string;

  constructor(variable: string, message: string, more: readonly ConfigProblem[] = []) {
    const problems = [{ variable, message }, ...more];
    super(problems.map((problem) => problem.message).join('\n'));
    this.problems = problems;
    this.variable = variable;
  }

  /** What a command prints: one `Configuration error: …` line per problem. */
  lines(): string[] {
    return this.problems.map((problem) => `Configuration error: ${problem.message}`);
  }

  /** One error carrying all of `problems` (at least one). */
  static of(problems: readonly [ConfigProblem, ...ConfigProblem[]]): ConfigError {
    const [first, ...more] = problems;
    return new ConfigError(first.variable, first.message, more);
  }
}
