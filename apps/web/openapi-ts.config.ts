import { defineConfig } from '@hey-api/openapi-ts';

// Generates src/lib/api/gen from openapi.json (exported by scripts/generate-client.sh).
export default defineConfig({
  input: './openapi.json',
  output: { path: './src/lib/api/gen' },
  plugins: [
    { name: '@hey-api/client-fetch', throwOnError: true },
    '@hey-api/typescript',
    '@hey-api/sdk',
  ],
});
