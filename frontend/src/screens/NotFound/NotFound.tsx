import { Link } from 'react-router-dom';
import { Page } from '../../components/Page';

export default function NotFound() {
  return (
    <Page title="Not found">
      <p>There is nothing here, or it is not yours to see.</p>
      <p>
        <Link to="/">Go to your home page</Link>
      </p>
    </Page>
  );
}
