/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_USER_MGMT_ENABLED?: string;
  readonly VITE_AUTH_COOKIE_REFRESH?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
