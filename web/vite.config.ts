import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const api = 'http://127.0.0.1:3000';
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * Writes `name.br` and `name.gz` beside every text file of the build, at the highest levels
 * (paid once at build time), so the server sends them as they are (@fastify/static
 * `preCompressed`) and compresses nothing per request.
 */
function precompress(): Plugin {
  return {
    name: 'regulars:precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? 'web/dist';
      const texts = Object.keys(bundle).filter((name) => /\.(js|css|html|svg|json)$/.test(name));
      await Promise.all(
        texts.map(async (name) => {
          const file = join(dir, name);
          const data = await readFile(file);
          const br = await brotli(data, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
            },
          });
          await writeFile(`${file}.br`, br);
          await writeFile(`${file}.gz`, await gz(data, { level: constants.Z_BEST_COMPRESSION }));
        }),
      );
    },
  };
}

/**
 * The member page (会员H5, antd-mobile): a second input, built by its own pass (`--mode member`)
 * into the same web/dist (member.html beside index.html, its files in assets/), so it shares no
 * chunk with the console: neither first load carries the other's libraries, and the console's
 * chunks stay as they are. The server serves member.html at /m/*.
 */
const memberPage = defineConfig({
  root: 'web',
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    rolldownOptions: {
      input: join(import.meta.dirname, 'member.html'),
      output: {
        codeSplitting: {
          groups: [{ name: 'member-vendor', test: /[\\/]node_modules[\\/]/, tags: ['$initial'] }],
        },
      },
    },
  },
});

/**
 * The console: built into web/dist, which the server serves at `/` with an SPA fallback.
 * Pages are lazy chunks, so the first load carries only the shell (antd core, router, i18n).
 */
const consoleApp = defineConfig({
  root: 'web',
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // the libraries every page needs (React, antd's core, router, i18n) in one file that a
        // deploy of our own code leaves cached: one request instead of a dozen, brotli over all
        codeSplitting: {
          groups: [{ name: 'vendor', test: /[\\/]node_modules[\\/]/, tags: ['$initial'] }],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': api,
      '/docs': api,
    },
  },
});

export default defineConfig(({ mode }) => (mode === 'member' ? memberPage : consoleApp));
