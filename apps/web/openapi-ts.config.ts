import { defineConfig } from '@hey-api/openapi-ts';

// Generates src/lib/api/gen from openapi.json (exported by scripts/generate-client.sh).
export default defineConfig({
  input: './openapi.json',
  output: { path: './src/lib/api/gen' },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
});
