/** What the demo sign-in accepts as a user id: short, no spaces. A real app brings its own accounts. */
const userIdPattern = '[A-Za-z0-9._\\-]{1,64}';

export function describeUserIdProblem(userId: string): string | undefined {
  if (userId.trim() === '') return 'Enter a user id.';
  if (!new RegExp(`^${userIdPattern}$`).test(userId)) {
    return 'Use up to 64 letters, digits, dots, dashes or underscores.';
  }
  return undefined;
}
