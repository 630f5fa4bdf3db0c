// The console app (/console): agents and admins. Hashed assets go to dist/assets/.
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: { input: { console: 'console/index.html' } },
  },
});
