// next 16's declarations name `URLPatternInput` and `URLPatternOptions`, which TypeScript 5.9's libraries
// and @types/node (which has `URLPattern` and `URLPatternInit`) do not declare; with `skipLibCheck: false`
// a Next.js app on TypeScript 5.9 needs these two lines (the same shapes as the URL Pattern standard).
type URLPatternInput = string | URLPatternInit;
interface URLPatternOptions {
  ignoreCase?: boolean;
}
