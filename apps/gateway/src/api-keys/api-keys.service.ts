import { Injectable, Logger } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { ActorV1, DomainError } from '@verity/contracts';
import { API_KEY_FORMAT, ApiKeyAuthenticator, ApiKeyPrincipal } from '@verity/identity';
import { randomBytes } from 'node:crypto';
import { GatewayConfig } from '../config/gateway.config';
import { ConnectionRegistry } from '../connections/connection-registry';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';

export const API_KEY_ISSUER = 'urn:verity:api-key';

/** A key as listed: never its secret or hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  subject: string;
  groups: string[];
  connections: string[];
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface NewApiKey {
  name: string;
  connections: string[];
  groups?: string[];
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const INVALID = 'invalid API key';

function newKeyId(): string {
  // 16 characters over 36 symbols (~82 bits); modulo bias is irrelevant for an identifier.
  return [...randomBytes(16)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

const subjectOf = (name: string) => `service:${name}`;

/**
 * Service-account API keys `vk_<id>_<secret>`: the secret is shown once at creation and stored
 * only as an argon2id hash; the id makes lookup a primary-key read. Revocation is immediate.
 */
@Injectable()
export class ApiKeysService extends ApiKeyAuthenticator {
  private readonly logger = new Logger(ApiKeysService.name);
  /** Verified against when the id is unknown, so a miss costs as much as a wrong secret. */
  private readonly decoy = hash(randomBytes(32).toString('base64url'));

  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly connections: ConnectionRegistry,
    private readonly config: GatewayConfig,
  ) {
    super();
  }

  async create(admin: ActorV1, request: NewApiKey): Promise<ApiKeyView & { key: string }> {
    const unknown = request.connections.filter((c) => !this.connections.has(c));
    if (unknown.length > 0) {
      throw new DomainError('CONNECTION.NOT_FOUND', `no connection named ${unknown.join(', ')}`, {
        connections: unknown,
      });
    }
    const id = newKeyId();
    const secret = randomBytes(32).toString('base64url');
    const row = await this.repository.create({
      id,
      name: request.name,
      secretHash: await hash(secret),
      groups: request.groups ?? [this.config.actionGroups[0]],
      connections: request.connections,
      createdBy: admin.subject,
    });
    this.logger.log({ keyId: id, name: request.name, createdBy: admin.subject }, 'API key created');
    return { ...view(row), key: `vk_${id}_${secret}` };
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.repository.list()).map(view);
  }

  async revoke(admin: ActorV1, id: string): Promise<void> {
    const revoked = /^[a-z0-9]{16}$/.test(id) && (await this.repository.revoke(id));
    if (!revoked) throw new DomainError('API_KEY.NOT_FOUND', `no live API key ${id}`);
    this.logger.log({ keyId: id, revokedBy: admin.subject }, 'API key revoked');
  }

  async authenticate(key: string): Promise<ApiKeyPrincipal> {
    const match = API_KEY_FORMAT.exec(key);
    if (!match) throw new DomainError('AUTH.UNAUTHENTICATED', INVALID);
    const [, id, secret] = match;
    const row = await this.repository.find(id);
    const valid = await verify(row?.secretHash ?? (await this.decoy), secret).catch(() => false);
    if (!row || !valid || row.revokedAt) throw new DomainError('AUTH.UNAUTHENTICATED', INVALID);
    return {
      actor: {
        subject: subjectOf(row.name),
        issuer: `${API_KEY_ISSUER}:${row.id}`,
        kind: 'service',
        actingParties: [],
        groups: row.groups,
      },
      connections: row.connections,
    };
  }
}

function view(row: ApiKeyEntity): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    subject: subjectOf(row.name),
    groups: row.groups,
    connections: row.connections,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
