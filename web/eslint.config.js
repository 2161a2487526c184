// ESLint for the front end (`make lint-web`, run by `make lint`): the
// recommended JavaScript rules and eslint-plugin-vue's recommended rules for
// Vue 3, with the layout rules (attribute order, line breaks) left to review.
import js from '@eslint/js';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

export default [
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.{js,mjs,vue}'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.browser },
    },
    rules: {
      'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
      // A form edits the fields of the object its parent owns (ItemForm's
      // `el`); replacing a prop itself stays an error.
      'vue/no-mutating-props': ['error', { shallowOnly: true }],
      // The ideographic space (U+3000) belongs to Chinese text in templates.
      'no-irregular-whitespace': 'off',
      'vue/no-irregular-whitespace': ['error', { skipHTMLTextContents: true, skipStrings: true }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/attributes-order': 'off',
      'vue/first-attribute-linebreak': 'off',
      'vue/attribute-hyphenation': 'off',
      'vue/v-on-event-hyphenation': 'off',
      'vue/require-default-prop': 'off',
    },
  },
  {
    files: ['vite.config.js', 'eslint.config.js', 'scripts/**', 'test/**'],
    languageOptions: { globals: { ...globals.node } },
  },
];
