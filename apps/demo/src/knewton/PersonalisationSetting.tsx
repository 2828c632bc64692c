import { knewtonAccountQueryOptions } from '@knewton-kit/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { readKnewtonOptOut, setKnewtonOptOut } from './knewtonOptOut.js';

export interface PersonalisationSettingProps {
  userId: string;
}

/**
 * The learner's consent to Knewton personalisation, as a privacy setting of the app (not a developer
 * tool: it is in production builds too). Off, the BFF creates and sends nothing for the learner and the
 * gates show the plain app; on again, the gates provision as usual. After each change the kit's account
 * query is reset, so the gates ask the BFF once more and follow the new answer.
 */
export function PersonalisationSetting({ userId }: PersonalisationSettingProps) {
  const queryClient = useQueryClient();
  const labelId = useId();
  const descriptionId = useId();
  const queryKey = ['demo', 'knewton-opt-out', userId] as const;
  const setting = useQuery({ queryKey, queryFn: ({ signal }) => readKnewtonOptOut(signal) });
  const change = useMutation({
    mutationFn: setKnewtonOptOut,
    onSuccess: async (state) => {
      queryClient.setQueryData(queryKey, state);
      // The account query alone (`exact`): the mounted gates ask again, one request, and follow the
      // answer (403 `knewton_opted_out`, or the account). Once they have closed, the learner's
      // recommendation is dropped from memory, so opting back in shows a fresh one.
      const account = knewtonAccountQueryOptions({ userId }).queryKey;
      await queryClient.resetQueries({ queryKey: account, exact: true });
      if (state.optedOut) queryClient.removeQueries({ queryKey: [...account, 'recommendation'] });
    },
  });
  const personalised = setting.data ? !setting.data.optedOut : undefined;

  return (
    <section className="card setting" aria-labelledby={labelId}>
      <div className="switch-row">
        <h2 id={labelId}>Personalised learning</h2>
        <button
          type="button"
          role="switch"
          className="switch setting-switch"
          aria-checked={personalised ?? false}
          aria-labelledby={labelId}
          aria-describedby={descriptionId}
          disabled={personalised === undefined || change.isPending}
          onClick={() => change.mutate(personalised === true)}
        >
          <span className="switch-thumb" aria-hidden="true" />
        </button>
      </div>
      <p id={descriptionId} className="hint">
        {personalised === false
          ? 'Off: nothing about you is sent to Knewton. Lessons and scores work as before.'
          : 'On: your answers go to Knewton, without your name or email, to pick your next lesson.'}
      </p>
      {(change.isError || setting.isError) && (
        <p className="error" role="alert">
          Could not reach the server; the setting is unchanged.
        </p>
      )}
    </section>
  );
}
