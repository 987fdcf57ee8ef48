import { defineConfig } from 'vitest/config';

// The Go server embeds dist/ (frontend/embed.go) and serves dist/assets/*
// as immutable, so every asset needs a content hash in its name. The CSP
// forbids inline scripts and styles: nothing here may inline either.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true, // the Makefile puts dist/.gitkeep back afterwards
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    cssCodeSplit: true,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    rollupOptions: {
      onwarn(warning, warn) {
        // TanStack Query's "use client" directives mean nothing without server components.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run dev` against `calibrate serve` on :8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
