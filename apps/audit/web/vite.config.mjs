// The web explorer's build: a static SPA in dist/web, served by the audit app at `/`.
import react from '@vitejs/plugin-react-swc';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  // node_modules may be shared between checkouts: keep vite's cache with this build.
  cacheDir: path.join(repo, 'dist/.vite-cache'),
  logLevel: 'warn',
  build: { outDir: path.join(repo, 'dist/web'), emptyOutDir: true, sourcemap: true },
});
