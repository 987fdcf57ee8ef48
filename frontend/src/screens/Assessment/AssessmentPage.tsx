// A director's assessment of one EM in a cycle. The EM's director in the
// cycle writes it while input is open or calibrating; other owners and
// admins read it, following its changes as they happen. While calibrating,
// a change to a written assessment needs a reason (RatingsEditor).
import { Link, useParams } from 'react-router-dom';
import { useCycleEvents } from '../../api/live';
import { useAssessment, useCycleFramework, useSaveAssessment, useSelfAssessmentOf } from '../../api/queries';
import { useMe } from '../../auth/session';
import { LiveChanges } from '../../components/LiveChanges';
import { Page } from '../../components/Page';
import { RatingsEditor } from '../../components/RatingsEditor';
import { ErrorNote, Loading } from '../../components/Status';
import { stateLabel } from '../../lib/format';

export default function AssessmentPage() {
  const { cycleId = '', emId = '' } = useParams();
  const me = useMe();
  const { cycle, framework } = useCycleFramework(cycleId);
  const assessment = useAssessment(cycleId, emId);
  const self = useSelfAssessmentOf(cycleId, emId);
  const save = useSaveAssessment(cycleId, emId);
  const live = useCycleEvents(cycleId);

  const error = cycle.error ?? framework.error ?? assessment.error;
  if (error) return <ErrorNote error={error} />;
  if (!cycle.data || !framework.data || !assessment.data) return <Loading what="Loading the assessment" />;

  const c = cycle.data;
  const participant = c.participants.find((p) => p.id === emId);
  const director = c.owners.find((o) => o.id === participant?.director_id);
  const writable = participant?.director_id === me.id && (c.state === 'input_open' || c.state === 'calibrating');
  const name = participant?.name ?? 'EM';

  return (
    <Page
      title={`Assessment of ${name}`}
      lead={
        <>
          <Link to={`/cycles/${c.id}`}>{c.name}</Link> · {stateLabel(c.state)} · rated by {director?.name ?? 'their director'}
          {!writable && (
            <p className="notice">
              {participant?.director_id !== me.id
                ? `Only ${director?.name ?? 'the EM’s director in this cycle'} rates ${name}; you can read it.`
                : `Ratings can be written while input is open or during calibration; the cycle is ${stateLabel(c.state).toLowerCase()}.`}
            </p>
          )}
        </>
      }
      actions={
        <Link className="button secondary" to={`/ems/${emId}?cycle=${c.id}`}>
          {name}'s record
        </Link>
      }
    >
      <LiveChanges live={live} />
      <RatingsEditor
        // A reader's copy follows every new version; a writer's keeps their edits.
        key={writable ? emId : `${emId}@${assessment.data.version}`}
        what="assessment"
        framework={framework.data}
        initial={assessment.data}
        withPrivateNote
        readOnly={!writable}
        changeReason={c.state === 'calibrating'}
        beside={self.data?.ratings}
        besideLabel="Self-assessment"
        save={(body) => save.mutateAsync(body)}
        loadLatest={async () => (await assessment.refetch()).data}
      />
    </Page>
  );
}
