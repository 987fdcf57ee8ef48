// An EM's self-assessment: written while input is open, read-only after.
import { Link, useParams } from 'react-router-dom';
import { useCycleFramework, useMySelfAssessment, useSaveSelfAssessment } from '../../api/queries';
import { Page } from '../../components/Page';
import { RatingsEditor } from '../../components/RatingsEditor';
import { ErrorNote, Loading } from '../../components/Status';
import { dueLabel, stateLabel } from '../../lib/format';

export default function SelfAssessment() {
  const { cycleId = '' } = useParams();
  const { cycle, framework } = useCycleFramework(cycleId);
  const self = useMySelfAssessment(cycleId);
  const save = useSaveSelfAssessment(cycleId);
  const error = cycle.error ?? framework.error ?? self.error;
  if (error) return <ErrorNote error={error} />;
  if (!cycle.data || !framework.data || !self.data) return <Loading what="Loading your self-assessment" />;
  const open = cycle.data.state === 'input_open';
  return (
    <Page
      title="Self-assessment"
      lead={
        <>
          <Link to="/my-cycles">{cycle.data.name}</Link> · {stateLabel(cycle.data.state)}
          {open && cycle.data.input_due && <> · {dueLabel(cycle.data.input_due)}</>}
          {!open && (
            <p className="notice">
              {cycle.data.state === 'draft'
                ? 'Input is not open yet: you can write your self-assessment once your director opens it.'
                : 'Input is closed: your self-assessment is locked.'}
            </p>
          )}
        </>
      }
    >
      <RatingsEditor
        key={cycleId}
        what="self-assessment"
        framework={framework.data}
        initial={self.data}
        readOnly={!open}
        save={({ ratings, version }) => save.mutateAsync({ ratings, version })}
        loadLatest={async () => (await self.refetch()).data}
      />
    </Page>
  );
}
