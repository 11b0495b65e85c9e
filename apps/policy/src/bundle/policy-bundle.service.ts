import path from 'node:path';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { loadConfig, repoRoot } from '@verity/config';
import { DomainError } from '@verity/contracts';
import { PolicyConfig } from '../config/policy.config';
import { bundleRevision, buildBundle, PreparedBundle, prepareBundle, readBundleFiles } from './policy-bundle';

/**
 * Serves the current policy bundle from VERITY_POLICY_DIR. The folder is loaded at boot (a bad
 * bundle stops the boot) and then polled: when its content hash changes it is reloaded, and a
 * bundle that fails to parse or validate is logged and ignored, so the last good one keeps serving.
 */
@Injectable()
export class PolicyBundleService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PolicyBundleService.name);
  private readonly dir: string;
  private readonly reloadMs: number;
  private bundle?: PreparedBundle;
  /** Revision of the folder as last read, good or bad, so a bad bundle is reported once. */
  private seen?: string;
  private timer?: NodeJS.Timeout;

  constructor() {
    const config = loadConfig(PolicyConfig);
    this.dir = path.resolve(repoRoot(), config.VERITY_POLICY_DIR);
    this.reloadMs = config.POLICY_RELOAD_MS;
  }

  onModuleInit(): void {
    if (!this.reload()) {
      throw new DomainError('POLICY.BUNDLE_INVALID', `the policy bundle in ${this.dir} does not load (see the log)`);
    }
    if (this.reloadMs > 0) {
      this.timer = setInterval(() => this.reload(), this.reloadMs);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  current(): PreparedBundle {
    if (!this.bundle) throw new DomainError('POLICY.BUNDLE_INVALID', 'no policy bundle is loaded');
    return this.bundle;
  }

  /** Reads the folder; loads it when it changed. True when a good bundle is serving afterwards. */
  reload(): boolean {
    let files: { name: string; text: string }[];
    try {
      files = readBundleFiles(this.dir);
    } catch (err) {
      this.report(`unreadable:${String(err)}`, [`${this.dir}: ${err instanceof Error ? err.message : String(err)}`]);
      return !!this.bundle;
    }
    const revision = bundleRevision(files);
    if (revision === this.seen) return !!this.bundle;
    const loaded = buildBundle(files);
    if (!loaded.ok) {
      this.report(revision, loaded.errors);
      return !!this.bundle;
    }
    this.seen = revision;
    this.bundle = prepareBundle(loaded.bundle);
    this.logger.log(
      { revision, dir: this.dir, policies: Object.keys(loaded.bundle.policies).length },
      'policy bundle loaded',
    );
    return true;
  }

  private report(revision: string, errors: string[]): void {
    if (revision === this.seen) return;
    this.seen = revision;
    this.logger.error(
      { dir: this.dir, errors, serving: this.bundle?.revision ?? null },
      `policy bundle rejected: ${errors.join(' | ')}`,
    );
  }
}
