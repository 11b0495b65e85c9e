/**
 * The Cedar schema every policy is validated against (strict mode) when a bundle loads. It
 * describes what the decision service puts in each request, so it lives with that code, not
 * in the bundle. See apps/policy/README.md for what each attribute means.
 */
export const CEDAR_SCHEMA = `
entity Group;
entity User in [Group];
entity ServiceAccount in [Group];
entity Agent in [Group];
entity Connection;
entity Table;

type SqlFacts = {
  statementKinds: Set<String>,
  statementCount: Long,
  classes: Set<String>,
  tablesRead: Set<String>,
  tablesWritten: Set<String>,
  functions: Set<String>,
  deleteWithoutWhere: Set<String>,
  updateWithoutWhere: Set<String>,
  readOnly: Bool,
};

type SqlContext = {
  operation: String,
  sessionId: String,
  actorKind: String,
  actingParties: Set<String>,
  sql: SqlFacts,
};

type HttpContext = {
  operation: String,
  sessionId: String,
  actorKind: String,
  actingParties: Set<String>,
  method: String,
  path: String,
  queryKeys: Set<String>,
  headerNames: Set<String>,
};

type ReviewContext = {
  operation: String,
  sessionId: String,
  requester: String,
};

action "sql", "http";

// Giving a verdict (approve or reject) on an action held for review on the connection.
action "review.approve" appliesTo {
  principal: [User, ServiceAccount, Agent],
  resource: [Connection],
  context: ReviewContext
};

action "sql.read", "sql.write", "sql.ddl", "sql.admin" in ["sql"] appliesTo {
  principal: [User, ServiceAccount, Agent],
  resource: [Connection],
  context: SqlContext
};

action "http.get", "http.post", "http.put", "http.patch", "http.delete" in ["http"] appliesTo {
  principal: [User, ServiceAccount, Agent],
  resource: [Connection],
  context: HttpContext
};
`;
