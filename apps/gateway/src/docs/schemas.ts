import type { SchemaObject } from '@nestjs/swagger';

/** OpenAPI schemas of the gateway's answers (the request bodies are described on their DTOs). */

export const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', example: 'REQUEST.INVALID', description: 'stable `<DOMAIN>.<REASON>` code' },
        message: { type: 'string' },
        details: { description: 'per-field problems (400), or { actionId, reasons, policyIds } (403 POLICY.DENIED) …' },
        errorId: { type: 'string', description: 'only on 500 INTERNAL.UNEXPECTED; also in the log' },
      },
    },
  },
};

const RESULT_SET: SchemaObject = {
  type: 'object',
  properties: {
    columns: { type: 'array', items: { type: 'string' } },
    rows: { type: 'array', items: { type: 'array', items: {} } },
    rowCount: { type: 'integer' },
    truncated: { type: 'boolean', description: 'more rows existed than the row cap allowed' },
  },
};

const MASKING_REPORT: SchemaObject = {
  type: 'object',
  properties: {
    profile: { type: 'string' },
    maskedValues: { type: 'integer' },
    fields: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          field: { type: 'string' },
          entities: { type: 'object', additionalProperties: { type: 'integer' } },
        },
      },
    },
  },
};

export const EXECUTED_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    actionId: { type: 'string', format: 'uuid' },
    sessionId: { type: 'string' },
    decision: { type: 'string', enum: ['allow'] },
    result: RESULT_SET,
    masking: MASKING_REPORT,
    payloadDigest: { type: 'string', description: 'SHA-256 (hex) of the RFC 8785 canonical JSON of the payload run' },
  },
};

export const PENDING_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    actionId: { type: 'string', format: 'uuid' },
    sessionId: { type: 'string' },
    status: { type: 'string', enum: ['pending_review'] },
  },
};

export const ACTION_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    actionId: { type: 'string', format: 'uuid' },
    sessionId: { type: 'string' },
    actor: {
      type: 'object',
      properties: {
        subject: { type: 'string' },
        issuer: { type: 'string' },
        kind: { type: 'string', enum: ['human', 'service', 'agent'] },
        actingParties: {
          type: 'array',
          description: 'RFC 8693 delegation chain, direct caller first',
          items: { type: 'object', properties: { subject: { type: 'string' }, issuer: { type: 'string' } } },
        },
        groups: { type: 'array', items: { type: 'string' } },
      },
    },
    connection: { type: 'string' },
    operation: { type: 'string' },
    status: {
      type: 'string',
      enum: ['requested', 'allowed', 'pending_review', 'executed', 'denied', 'failed'],
    },
    decision: { type: 'string', enum: ['allow', 'deny', 'review'], nullable: true },
    payloadDigest: { type: 'string' },
    outcomeCode: {
      type: 'string',
      nullable: true,
      description: 'the outcome error code; null while running or on success',
    },
    ledgerIndex: {
      type: 'integer',
      nullable: true,
      description: 'ledger index of the outcome event; null until the ledger has appended it',
    },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};
