// Routes by role. Every screen but the sign-in is its own lazily loaded
// chunk, so the first load carries only the shell; meeting mode and the
// charts are loaded when they are opened.
import { lazy, Suspense, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { api } from './api/client';
import type { Me } from './api/types';
import { homeOf, useSession } from './auth/session';
import { Layout } from './components/Layout';
import { Loading } from './components/Status';
import SignIn from './screens/SignIn/SignIn';

const DirectorHome = lazy(() => import('./screens/DirectorHome/DirectorHome'));
const CyclesList = lazy(() => import('./screens/Cycles/CyclesList'));
const CycleCreate = lazy(() => import('./screens/CycleCreate/CycleCreate'));
const CyclePage = lazy(() => import('./screens/Cycle/CyclePage'));
const AssessmentPage = lazy(() => import('./screens/Assessment/AssessmentPage'));
const BoardPage = lazy(() => import('./screens/Board/BoardPage'));
const MeetingMode = lazy(() => import('./screens/Meeting/MeetingMode'));
const EmRecord = lazy(() => import('./screens/EmRecord/EmRecord'));
const MyFeedback = lazy(() => import('./screens/MyFeedback/MyFeedback'));
const MyCycles = lazy(() => import('./screens/MyCycles/MyCycles'));
const SelfAssessment = lazy(() => import('./screens/SelfAssessment/SelfAssessment'));
const Nominate = lazy(() => import('./screens/Nominate/Nominate'));
const Plan = lazy(() => import('./screens/Plan/Plan'));
const MyHistory = lazy(() => import('./screens/EmRecord/MyHistory'));
const Inbox = lazy(() => import('./screens/Inbox/Inbox'));
const NoteEditor = lazy(() => import('./screens/NoteEditor/NoteEditor'));
const People = lazy(() => import('./screens/People/People'));
const Frameworks = lazy(() => import('./screens/Frameworks/Frameworks'));
const Provisioning = lazy(() => import('./screens/Provisioning/Provisioning'));
const Audit = lazy(() => import('./screens/Audit/Audit'));

const RollupsList = lazy(() => import('./screens/Rollups/RollupsList'));
const RollupBoard = lazy(() => import('./screens/Rollups/RollupBoard'));
const Organisation = lazy(() => import('./screens/Organisation/Organisation'));
const NotFound = lazy(() => import('./screens/NotFound/NotFound'));

function roleRoutes(user: Me) {
  const home = <Route path="/" element={<Navigate to={homeOf(user.role)} replace />} />;
  const cycles = [
    <Route key="c" path="/cycles" element={<CyclesList />} />,
    <Route key="cp" path="/cycles/:cycleId" element={<CyclePage />} />,
    <Route key="a" path="/cycles/:cycleId/ems/:emId/assessment" element={<AssessmentPage />} />,
    <Route key="b" path="/cycles/:cycleId/board" element={<BoardPage />} />,
    <Route key="m" path="/cycles/:cycleId/meeting" element={<MeetingMode />} />,
    <Route key="e" path="/ems/:emId" element={<EmRecord />} />,
  ];
  const rollups = [
    <Route key="r" path="/rollups" element={<RollupsList />} />,
    <Route key="rb" path="/rollups/:rollupId" element={<RollupBoard />} />,
  ];
  switch (user.role) {
    case 'director':
      return [
        <Route key="h" path="/" element={<DirectorHome />} />,
        <Route key="n" path="/cycles/new" element={<CycleCreate />} />,
        ...cycles,
        ...rollups,
      ];
    case 'admin':
      return [
        home,
        <Route key="p" path="/people" element={<People />} />,
        <Route key="f" path="/frameworks" element={<Frameworks />} />,
        <Route key="sc" path="/provisioning" element={<Provisioning />} />,
        <Route key="au" path="/audit" element={<Audit />} />,

        <Route key="o" path="/organisation" element={<Organisation />} />,
        ...cycles,
        ...rollups,
      ];
    case 'em':
      return [
        home,
        <Route key="f" path="/feedback" element={<MyFeedback />} />,
        <Route key="mc" path="/my-cycles" element={<MyCycles />} />,
        <Route key="sa" path="/my-cycles/:cycleId/self-assessment" element={<SelfAssessment />} />,
        <Route key="np" path="/my-cycles/:cycleId/peers" element={<Nominate />} />,
        <Route key="pl" path="/plan" element={<Plan />} />,
        <Route key="hi" path="/history" element={<MyHistory />} />,
        <Route key="i" path="/inbox" element={<Inbox />} />,
        <Route key="ie" path="/inbox/:requestId" element={<NoteEditor />} />,
      ];
    case 'peer':
      // A peer who is a guest of a cycle or roll-up reads its board.
      return [
        home,
        <Route key="i" path="/inbox" element={<Inbox />} />,
        <Route key="ie" path="/inbox/:requestId" element={<NoteEditor />} />,
        <Route key="c" path="/cycles" element={<CyclesList />} />,
        <Route key="b" path="/cycles/:cycleId/board" element={<BoardPage />} />,
        ...rollups,
      ];
  }
}

export function App() {
  const session = useSession();
  const location = useLocation();
  const qc = useQueryClient();

  // On load, a valid refresh cookie signs the user back in.
  useEffect(() => {
    if (api.getSession().status === 'unknown') void api.restore();
  }, []);

  // Nothing of one user's data outlives their session.
  useEffect(() => {
    if (session.status === 'signed_out') qc.clear();
  }, [session.status, qc]);

  if (session.status === 'unknown') {
    return (
      <main id="main" className="sign-in">
        <Loading what="Opening Calibrate" />
      </main>
    );
  }
  if (!session.user) {
    if (location.pathname === '/sign-in') return <SignIn />;
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  }
  const user = session.user;
  return (
    <Layout user={user}>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/sign-in" element={<Navigate to={homeOf(user.role)} replace />} />
          {roleRoutes(user)}
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}
