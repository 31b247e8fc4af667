// ESLint (flat config): the JavaScript and TypeScript recommendations and the Rules of Hooks.
// `npm run lint` type-checks (tsc) and then lints; scripts/test runs it.
//
// Of eslint-plugin-react-hooks we take the two classic rules (rules-of-hooks, exhaustive-deps),
// not its React Compiler rules (set-state-in-effect, refs, purity, …): they judge code written
// for the compiler, which this client does not use; the patterns they flag here (a "latest value"
// ref assigned during render, a fallback state set in an effect when an API is missing) are the
// documented pre-compiler idioms.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules", "coverage"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      // Unused names prefixed with "_" are deliberate (a required parameter, a skipped element).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Node scripts; the end-to-end scenarios also hand functions to the browser (page.evaluate).
    files: ["**/*.{js,mjs}"],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node, ...globals.browser } },
  },
);
