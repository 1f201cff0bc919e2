-- Date ranges in audience rules compare instants, and matching the ISO grammar costs about 1 µs a row
-- in PostgreSQL's regex engine: too much to pay on every size, preview and send. So PostgreSQL derives
-- the instants once, when a contact's attributes are written, into a generated column that every
-- writer fills (the service, imports, and SQL alike).
--
-- For each attribute whose value is a string in the ISO grammar of libs/domain/src/segments/iso-instant.ts
-- (the pattern below is ISO_INSTANT_PATTERN verbatim; test/contact-attribute-instants.e2e-spec.ts
-- checks that they agree), its instant as epoch seconds with six fraction digits; a date-only string
-- stands for midnight UTC. NULL when no attribute is such a date.
--
-- IMMUTABLE, as a generated column requires, and truly so for these inputs: the grammar admits only
-- strings with an explicit offset (date-only ones are given "Z"), so neither TimeZone nor DateStyle
-- can change a result, and only strings PostgreSQL parses, so the cast cannot fail.
CREATE FUNCTION "contact_attribute_instants"(attributes JSONB) RETURNS JSONB
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  -- The names of the attributes that are dates, found by jsonpath in C: a loop over jsonb_each in
  -- PL/pgSQL cost twice as much per row. A non-object gives none (strict mode, errors silenced).
  date_names JSONB := jsonb_path_query_array(
    attributes, 'strict $.keyvalue() ? (@.value like_regex "^(?:(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29)(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.][0-9]{1,6})?)?(?:Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9]))?$").key', '{}', true);
  attribute_name TEXT;
  text_value TEXT;
  instants JSONB;
BEGIN
  FOR name_index IN 0 .. jsonb_array_length(date_names) - 1 LOOP
    attribute_name := date_names ->> name_index;
    text_value := attributes ->> attribute_name;
    IF length(text_value) = 10 THEN
      text_value := text_value || 'T00:00:00Z';
    END IF;
    instants := COALESCE(instants, '{}'::JSONB) || jsonb_build_object(attribute_name, extract(epoch FROM text_value::TIMESTAMPTZ));
  END LOOP;
  RETURN instants;
END
$$;

-- AlterTable
ALTER TABLE "contacts" ADD COLUMN "attribute_instants" JSONB GENERATED ALWAYS AS ("contact_attribute_instants"("attributes")) STORED;
