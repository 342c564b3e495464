import type { HostProblem } from '../../workers/shared/storeProtocol';

/** A host problem in plain words: a title, what the host answered, and what to do. */
export function explainHostProblem(problem: HostProblem): { title: string; detail: string; answer: string } {
  const answer = problem.status
    ? `${problem.url} answered ${problem.status}${problem.contentType ? ` (${problem.contentType.split(';')[0]})` : ''}.`
    : `${problem.url} did not answer.`;
  switch (problem.kind) {
    case 'unreachable':
      return { title: `The model host ${problem.hostUrl} cannot be reached`, detail: `${problem.description} Models on this device still work; new downloads need the host.`, answer };
    case 'not-a-hub':
      return { title: `${problem.hostUrl} is not a Hugging Face–style model host`, detail: `${problem.description} Check the address under Settings → Model host. Models on this device still work.`, answer };
    case 'host-error':
      return { title: `The model host ${problem.hostUrl} is having trouble`, detail: `${problem.description} Try again later; models on this device still work.`, answer };
  }
}
