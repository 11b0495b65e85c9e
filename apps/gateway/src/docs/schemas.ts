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

const ACTOR: SchemaObject = {
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
};

const APPROVALS: SchemaObject = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      subject: { type: 'string' },
      issuer: { type: 'string' },
      comment: { type: 'string' },
      group: { type: 'string', description: 'the group the approval counted under (distinct groups only)' },
      at: { type: 'string', format: 'date-time' },
    },
  },
};

export const ACTION_VIEW_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    actionId: { type: 'string', format: 'uuid' },
    sessionId: { type: 'string' },
    actor: ACTOR,
    connection: { type: 'string' },
    operation: { type: 'string' },
    status: {
      type: 'string',
      enum: ['requested', 'allowed', 'pending_review', 'approved', 'executed', 'denied', 'failed'],
      description: '`approved`: its review is complete and it is running',
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
    review: {
      type: 'object',
      description: 'present once the action was held for review',
      properties: {
        requiredApprovals: { type: 'integer' },
        approvals: APPROVALS,
        expiresAt: { type: 'string', format: 'date-time' },
        reasons: { type: 'array', items: { type: 'string' } },
        policyIds: { type: 'array', items: { type: 'string' } },
      },
    },
    result: { ...RESULT_SET, description: 'the masked result of an action that ran after review' },
    masking: MASKING_REPORT,
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

export const REVIEW_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    actionId: { type: 'string', format: 'uuid', description: 'the review id is the action id' },
    sessionId: { type: 'string' },
    status: { type: 'string', description: "the action's status; pending_review while the review is open" },
    requester: ACTOR,
    connection: { type: 'string' },
    operation: { type: 'string', enum: ['sql.query', 'http.request'] },
    payload: { type: 'object', description: 'the exact payload that will run if approved' },
    payloadDigest: { type: 'string', description: 'what an approval binds to' },
    agent: {
      type: 'object',
      description: "the agent's stated reason: step, thought, tool, model",
      properties: {
        step: { type: 'integer' },
        thought: { type: 'string' },
        tool: { type: 'string' },
        model: { type: 'string' },
      },
    },
    reasons: { type: 'array', items: { type: 'string' } },
    policyIds: { type: 'array', items: { type: 'string' }, description: 'the policies that asked for review' },
    bundleRevision: { type: 'string' },
    analysis: { type: 'object', description: 'the SQL analysis: statement kinds, tables read and written …' },
    requiredApprovals: { type: 'integer' },
    distinctGroups: { type: 'boolean' },
    approverGroups: { type: 'array', items: { type: 'string' } },
    approvals: APPROVALS,
    expiresAt: { type: 'string', format: 'date-time' },
    requestedAt: { type: 'string', format: 'date-time' },
  },
};

export const VERDICT_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    actionId: { type: 'string', format: 'uuid' },
    verdict: { type: 'string', enum: ['approve', 'reject'] },
    outcome: { type: 'string', enum: ['approved', 'rejected'] },
    approvals: { type: 'integer', description: 'approvals counted so far' },
    requiredApprovals: { type: 'integer' },
    complete: { type: 'boolean', description: 'the review is decided (the action now runs, or was rejected)' },
  },
};
