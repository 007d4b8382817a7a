import { Link } from 'react-router';

import { AuthCard } from '../components/ui/AuthCard';

export function NotFoundPage() {
  return (
    <AuthCard title="Page not found">
      <p>
        There is nothing here. <Link to="/">Back to your journal</Link>.
      </p>
    </AuthCard>
  );
}
