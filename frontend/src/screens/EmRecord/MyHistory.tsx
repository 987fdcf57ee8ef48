import { useMe } from '../../auth/session';
import { EmRecord } from './EmRecord';

/** An EM's own history, trend and packet (released cycles only). */
export default function MyHistory() {
  const me = useMe();
  return <EmRecord emId={me.id} own />;
}
