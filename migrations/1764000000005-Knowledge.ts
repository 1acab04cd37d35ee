import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The knowledge base and problem management.
 *
 * Search is PostgreSQL full-text search in Spanish and English at once: every article keeps
 * one stored tsvector with both languages' stems of its unaccented title (weight A), tags (B)
 * and body (C). `unaccent()` is only STABLE (its dictionary is looked up by name at run time),
 * so it is wrapped in an IMMUTABLE function that names its dictionary with the schema the
 * extension lives in; that makes it usable in the generated column. Typo tolerance uses a
 * lexicon of the words articles contain (kb_word, kept by a trigger) with a pg_trgm GiST
 * index. The same SQL runs on embedded PGlite (which loads both extensions) and PostgreSQL 15.
 */
export class Knowledge1764000000005 implements MigrationInterface {
  name = "Knowledge1764000000005";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm;`);
    const schemaOf = async (ext: string): Promise<string> => {
      const rows = (await q.query(
        `SELECT quote_ident(n.nspname) AS s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = $1`,
        [ext],
      )) as Array<{ s: string }>;
      return rows[0].s;
    };
    const ua = await schemaOf("unaccent");
    const trgm = await schemaOf("pg_trgm");
    await q.query(`
      CREATE FUNCTION kb_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $fn$ SELECT ${ua}.unaccent('${ua}.unaccent'::regdictionary, $1) $fn$;

      -- The searchable document: both languages' stems, title above tags above body.
      CREATE FUNCTION kb_document(title text, tags text[], body text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $fn$
          SELECT setweight(to_tsvector('spanish'::regconfig, kb_unaccent(title)), 'A')
              || setweight(to_tsvector('english'::regconfig, kb_unaccent(title)), 'A')
              || setweight(to_tsvector('spanish'::regconfig, kb_unaccent(coalesce(array_to_string(tags, ' '), ''))), 'B')
              || setweight(to_tsvector('english'::regconfig, kb_unaccent(coalesce(array_to_string(tags, ' '), ''))), 'B')
              || setweight(to_tsvector('spanish'::regconfig, kb_unaccent(body)), 'C')
              || setweight(to_tsvector('english'::regconfig, kb_unaccent(body)), 'C')
        $fn$;

      -- For highlighting the original text (accents kept): the dictionary unaccents each word.
      CREATE TEXT SEARCH CONFIGURATION kb_spanish (COPY = spanish);
      ALTER TEXT SEARCH CONFIGURATION kb_spanish ALTER MAPPING FOR hword, hword_part, word WITH ${ua}.unaccent, spanish_stem;
      CREATE TEXT SEARCH CONFIGURATION kb_english (COPY = english);
      ALTER TEXT SEARCH CONFIGURATION kb_english ALTER MAPPING FOR hword, hword_part, word WITH ${ua}.unaccent, english_stem;

      -- OR of every query word's tsquery (tsquery_or is the function behind ||).
      CREATE AGGREGATE kb_tsquery_or(tsquery) (SFUNC = tsquery_or, STYPE = tsquery);

      CREATE TABLE knowledge_article (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT','PUBLISHED','RETIRED')),
        product_ids uuid[] NOT NULL DEFAULT '{}',
        tags text[] NOT NULL DEFAULT '{}',
        times_used integer NOT NULL DEFAULT 0,
        created_by uuid REFERENCES agent(id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        published_at timestamptz,
        retired_at timestamptz,
        search_vector tsvector GENERATED ALWAYS AS (kb_document(title, tags, body)) STORED
      );
      -- Only published articles are ever searched: the index holds those only.
      CREATE INDEX knowledge_article_search_idx ON knowledge_article USING gin (search_vector) WHERE status = 'PUBLISHED';
      CREATE INDEX knowledge_article_products_idx ON knowledge_article USING gin (product_ids);

      CREATE TABLE knowledge_article_revision (
        id bigserial PRIMARY KEY,
        article_id uuid NOT NULL REFERENCES knowledge_article(id),
        title text NOT NULL,
        body text NOT NULL,
        product_ids uuid[] NOT NULL,
        tags text[] NOT NULL,
        edited_at timestamptz NOT NULL,
        edited_by uuid REFERENCES agent(id),
        editor_name text
      );
      CREATE INDEX knowledge_article_revision_idx ON knowledge_article_revision (article_id, id DESC);

      -- Every word any article contains (unaccented, lower case), for typo tolerance, with
      -- how many article versions contained it (df, never decremented: an estimate of how
      -- common it is, which picks the informative words of a long text).
      CREATE TABLE kb_word (word text PRIMARY KEY, df integer NOT NULL DEFAULT 0);
      CREATE INDEX kb_word_trgm_idx ON kb_word USING gist (word ${trgm}.gist_trgm_ops);
      CREATE FUNCTION kb_words(title text, tags text[], body text) RETURNS SETOF text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $fn$
          SELECT DISTINCT w.lexeme
            FROM unnest(to_tsvector('simple'::regconfig, kb_unaccent(title || ' ' || coalesce(array_to_string(tags, ' '), '') || ' ' || body))) AS w
           WHERE length(w.lexeme) BETWEEN 3 AND 40 AND w.lexeme ~ '^[a-z][a-z0-9]*$'
        $fn$;
      CREATE FUNCTION kb_learn_words() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          -- in word order, so concurrent writers lock shared words in one order
          INSERT INTO kb_word (word, df)
          SELECT n.w, 1 FROM kb_words(NEW.title, NEW.tags, NEW.body) AS n(w)
           WHERE TG_OP = 'INSERT' OR n.w NOT IN (SELECT o FROM kb_words(OLD.title, OLD.tags, OLD.body) AS o)
           ORDER BY n.w
          ON CONFLICT (word) DO UPDATE SET df = kb_word.df + 1;
          RETURN NULL;
        END
      $fn$;
      CREATE TRIGGER knowledge_article_words AFTER INSERT OR UPDATE OF title, body, tags ON knowledge_article
        FOR EACH ROW EXECUTE FUNCTION kb_learn_words();

      CREATE SEQUENCE problem_number_seq;
      CREATE TABLE problem (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number text NOT NULL,
        title text NOT NULL,
        description text NOT NULL,
        status text NOT NULL CHECK (status IN ('OPEN','INVESTIGATING','KNOWN_ERROR','RESOLVED','CLOSED')),
        product_id uuid REFERENCES product(id),
        owner_id uuid REFERENCES agent(id),
        root_cause text,
        workaround text,
        known_error_article_id uuid REFERENCES knowledge_article(id),
        resolution text,
        opened_at timestamptz NOT NULL,
        resolved_at timestamptz,
        closed_at timestamptz,
        updated_at timestamptz NOT NULL,
        version integer NOT NULL DEFAULT 1,
        CONSTRAINT problem_number_key UNIQUE (number)
      );
      CREATE INDEX problem_list_idx ON problem (opened_at DESC, id DESC);
      CREATE INDEX problem_status_idx ON problem (status, opened_at DESC, id DESC);

      CREATE TABLE problem_event (
        sequence bigserial PRIMARY KEY,
        problem_id uuid NOT NULL REFERENCES problem(id),
        type text NOT NULL,
        at timestamptz NOT NULL,
        actor_kind text NOT NULL,
        actor_agent_id uuid REFERENCES agent(id),
        actor_name text,
        data jsonb NOT NULL DEFAULT '{}'::jsonb
      );
      CREATE INDEX problem_event_problem_idx ON problem_event (problem_id, sequence);

      ALTER TABLE incident
        ADD COLUMN problem_id uuid REFERENCES problem(id),
        ADD COLUMN resolution_article_id uuid REFERENCES knowledge_article(id);
      CREATE INDEX incident_problem_idx ON incident (problem_id, opened_at DESC, id DESC) WHERE problem_id IS NOT NULL;
      CREATE INDEX incident_resolution_article_idx ON incident (resolution_article_id, opened_at DESC, id DESC) WHERE resolution_article_id IS NOT NULL;
      CREATE INDEX incident_unlinked_idx ON incident (opened_at DESC) WHERE problem_id IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX incident_unlinked_idx;
      DROP INDEX incident_resolution_article_idx;
      DROP INDEX incident_problem_idx;
      ALTER TABLE incident DROP COLUMN problem_id, DROP COLUMN resolution_article_id;
      DROP TABLE problem_event;
      DROP TABLE problem;
      DROP SEQUENCE problem_number_seq;
      DROP TABLE kb_word;
      DROP TABLE knowledge_article_revision;
      DROP TABLE knowledge_article;
      DROP FUNCTION kb_learn_words();
      DROP FUNCTION kb_words(text, text[], text);
      DROP AGGREGATE kb_tsquery_or(tsquery);
      DROP TEXT SEARCH CONFIGURATION kb_english;
      DROP TEXT SEARCH CONFIGURATION kb_spanish;
      DROP FUNCTION kb_document(text, text[], text);
      DROP FUNCTION kb_unaccent(text);
    `);
  }
}
