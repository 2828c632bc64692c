// React's own rules for the React kit, as the React Compiler relies on them (biome lints the rest).
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config({
  files: ['packages/react/src/**/*.{ts,tsx}'],
  ignores: ['**/*.test.{ts,tsx}', '**/*.test-d.{ts,tsx}'],
  languageOptions: { parser: tseslint.parser },
  plugins: { 'react-hooks': reactHooks },
  rules: reactHooks.configs['recommended-latest'].rules,
  linterOptions: { reportUnusedDisableDirectives: 'error' },
});
