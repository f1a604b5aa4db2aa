import type { StoredSettings } from '../settings/default-settings';
import { shouldAskJudge } from '../signals';
import type { SignalVerdict } from '../signals/types';
import { resolveJudgeTarget } from './policy-target';

/**
 * Who judges the app's inferred rewards. With a box, the box's judge does (its frozen judge engine,
 * on by default). The app asks its own judge only at an endpoint the user named for it: the box's /v1
 * serves the policy being trained, which must not judge itself, and without a box nothing trains, so
 * 2·m extra requests per turn to the user's chat server would only slow their chat down.
 * `judge.mode: 'off'` turns the app's judge off (the box's is turned off on the box:
 * APPRENTICE_JUDGE_VOTES=0).
 */
export function appJudgeRuns(settings: StoredSettings, verdict: SignalVerdict): boolean {
  const { mode, endpoint } = settings.judge;
  if (mode === 'off' || !endpoint || !shouldAskJudge(verdict, mode)) return false;
  return resolveJudgeTarget(settings, null).endpoint !== '';
}

/** A judge will decide this inferred verdict (the box's or the app's), so the detector's alone does not. */
export function judgeExpected(settings: StoredSettings, verdict: SignalVerdict): boolean {
  return settings.box.url !== '' || appJudgeRuns(settings, verdict);
}
