import type { Page, PageRequest } from '../port.js';
import { orderByClause, type SortableEntity } from '../sorting.js';
import type { SqlExecutor, SqlValue } from './connection.js';

/** AND-ed conditions with their parameters; a filter member that is undefined adds nothing. */
export class Where {
  private readonly clauses: string[] = [];
  readonly params: SqlValue[] = [];

  eq(column: string, value: SqlValue | boolean | undefined): this {
    if (value === undefined) return this;
    return this.add(`${column} = ?`, typeof value === 'boolean' ? Number(value) : value);
  }

  add(clause: string, ...params: SqlValue[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }

  get sql(): string {
    return this.clauses.length === 0 ? '' : ` WHERE ${this.clauses.join(' AND ')}`;
  }
}

export interface PageQuery<Row, T> {
  columns: string;
  /** FROM … JOIN … */
  from: string;
  where: Where;
  entity: SortableEntity;
  request: PageRequest;
  map: (row: Row) => T;
}

// Content and count are two statements on the read connection; a commit between them can make the
// total differ from the content by that commit, which Spring's paging allows as well.
export async function selectPage<Row, T>(db: SqlExecutor, query: PageQuery<Row, T>): Promise<Page<T>> {
  const order = orderByClause(query.request.sort, query.entity);
  const rows = await db.all<Row>(
    `SELECT ${query.columns} FROM ${query.from}${query.where.sql} ORDER BY ${order} LIMIT ? OFFSET ?`,
    [...query.where.params, query.request.size, query.request.page * query.request.size],
  );
  const count = await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${query.from}${query.where.sql}`, query.where.params);
  return { content: rows.map(query.map), totalElements: count?.n ?? 0, page: query.request };
}
