// The embeddable widget: one self-contained IIFE, dist/widget.js (stable name, short cache).
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  define: { 'process.env.NODE_ENV': '"production"' },
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    lib: { entry: 'src/widget/main.tsx', name: 'LingxiWidget', formats: ['iife'], fileName: () => 'widget.js' },
  },
});
