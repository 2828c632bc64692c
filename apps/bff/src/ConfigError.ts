/**
 * A start-up configuration problem, described in one line that names the environment variable and never
 * contains its value.
 */
export class ConfigError extends Error {
  override name = 'ConfigError' as const;
  /** The environment variable at fault. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.variable = variable;
  }
}
