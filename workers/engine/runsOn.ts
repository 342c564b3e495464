import { threadsText } from '../shared/device';
import type { RunsOn } from '../shared/engineProtocol';
import { placementDevices, type LlamaPlacement } from './llamaLog';

/** Why llama.cpp was asked for this device (the user's choice, or Hearth's for this device). */
export interface DeviceRequest {
  device: 'webgpu' | 'cpu';
  /** True when the user chose it; false when Hearth chose it for this device. */
  chosenByUser: boolean;
  /** Why Hearth chose it (when it did), e.g. `WebGPU is not available in this browser`. */
  why?: string;
}

/** Where llama.cpp runs a model, from its load log, with a label and a note in plain words. */
export function llamaRunsOn(placement: LlamaPlacement, request: DeviceRequest, threads: number): RunsOn {
  const { model, kv } = placementDevices(placement);
  const layers = placement.offloaded && model !== 'cpu' ? { gpuLayers: placement.offloaded } : {};
  const onCpu = model === 'cpu' || model === 'mixed' || kv === 'cpu';
  const label =
    model === 'cpu'
      ? `CPU, ${threadsText(threads)}`
      : model === 'webgpu'
        ? kv === 'cpu'
          ? `WebGPU (KV cache on the CPU, ${threadsText(threads)})`
          : 'WebGPU'
        : model === 'mixed'
          ? `WebGPU (${placement.offloaded ? `${placement.offloaded.on} of ${placement.offloaded.of} layers` : 'some layers'}) and CPU, ${threadsText(threads)}`
          : 'unknown';
  const asked = request.chosenByUser
    ? `You chose ${request.device === 'webgpu' ? 'WebGPU' : 'the CPU'}`
    : `Hearth chose ${request.device === 'webgpu' ? 'WebGPU' : 'the CPU'}${request.why ? ` (${request.why})` : ''}`;
  let outcome: string;
  if (model === 'unknown') outcome = 'llama.cpp did not report where it put the model';
  else if (model === 'mixed') outcome = 'llama.cpp put part of the model on the GPU and the rest on the CPU';
  else if (model === request.device) outcome = `llama.cpp put the model ${model === 'cpu' ? 'on the CPU' : 'on the GPU'}`;
  else if (model === 'cpu') outcome = `llama.cpp put the model on the CPU: its WebGPU backend ${placement.gpuProblem ? 'found no GPU adapter' : 'did not take this GPU'}`;
  else outcome = 'llama.cpp put the model on the GPU';
  const asAsked = model === request.device || model === 'unknown';
  return {
    device: model,
    kvDevice: kv,
    threads: onCpu ? threads : null,
    requested: request.device,
    ...layers,
    label,
    note: `${asked}${asAsked ? '; ' : ', but '}${outcome}.`,
  };
}
