import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Tauri loads ui/dist in production and http://localhost:5173 in development
// (tauri.conf.json: frontendDist ../ui/dist, devUrl http://localhost:5173).
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
  // WebKitGTK (Linux) and WebView2 (Windows) are both recent engines.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  // Component tests mount Svelte in jsdom: the browser build, not the server's.
  resolve: mode === 'test' ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
  },
}));
