import { isLlamaDerived, type CatalogEntry, type LicenceInfo } from '../../workers/shared/catalog';
import { readSetting, writeSetting } from '../lib/appDb';

/** A recorded acceptance of a licence and its acceptable-use policy. */
export interface LicenceAcceptance {
  name: string;
  version: string;
  url: string;
  usePolicyUrl: string;
  /** ms since epoch. */
  acceptedAt: number;
}

const settingKey = 'licenceAcceptances';

/** Key of one licence version: accepting 3.2 does not accept a later 3.3. */
export function licenceKey(licence: LicenceInfo): string {
  return `${licence.name}@${licence.version}`;
}

/**
 * Whether downloading (or first using) this entry needs an accepted licence: every Llama model
 * does, and so does every derivative of one (a Llama licence named, or a base model under
 * `meta-llama/`), whatever its own card calls its licence.
 */
export function requiresAcceptance(entry: CatalogEntry): boolean {
  return isLlamaDerived(entry);
}

/** Licences the user accepted on this device, remembered across visits. */
export class LicenceRecords {
  accepted = $state.raw<Record<string, LicenceAcceptance>>({});

  /** Reads recorded acceptances. */
  async load(): Promise<void> {
    this.accepted = await readSetting<Record<string, LicenceAcceptance>>(settingKey, {});
  }

  /** The acceptance covering an entry, if any. */
  acceptanceFor(entry: CatalogEntry): LicenceAcceptance | undefined {
    return this.accepted[licenceKey(entry.licence)];
  }

  /** Whether the entry may be downloaded now. */
  allows(entry: CatalogEntry): boolean {
    return !requiresAcceptance(entry) || this.acceptanceFor(entry) !== undefined;
  }

  /** Records that the user accepted the entry's licence and acceptable-use policy. */
  async accept(entry: CatalogEntry): Promise<void> {
    const { name, version, url, usePolicyUrl } = entry.licence;
    this.accepted = { ...this.accepted, [licenceKey(entry.licence)]: { name, version, url, usePolicyUrl, acceptedAt: Date.now() } };
    await writeSetting(settingKey, $state.snapshot(this.accepted));
  }
}
