export const E2E_USER = {
  email: process.env.E2E_EMAIL ?? 'e2e@example.com',
  password: process.env.E2E_PASSWORD ?? 'e2e-password-123',
};
