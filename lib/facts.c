/* The weak facts: one row each, so that a later measurement changes a row, not the code's
 * shape (docs/semantics.md section 7). Rows 1-5 are that section's table; the others are the
 * weak points the catalog itself adds (sbpl-reference.md marks them [L] or [M]). */
#include <stddef.h>

#include "sbprofile/catalog.h"

typedef struct fact_row {
  sbp_fact id;
  const char *name;
  sbp_confidence confidence;
  const char *statement;
  const char *source;
  const char *if_wrong;
} fact_row;

static const fact_row FACTS[] = {
    {SBP_FACT_UNFILTERED_BELOW_FILTERED, "unfiltered-below-filtered", SBP_CONFIDENCE_MEDIUM,
     "A rule without a filter ranks below every matching filtered rule on the same chain, "
     "whether it was written before or after them; last-written wins only among filtered rules.",
     "microsoft/mxc PR #754 (measured for network-outbound only); the comment in "
     "openai/codex seatbelt.rs on (regex #\"^/\") versus an unfiltered rule; sbpl-reference.md 6.3",
     "Decision step 3.2 becomes plain last-wins over all speaking rules."},
    {SBP_FACT_TERMINAL_BUILTIN, "terminal-builtin", SBP_CONFIDENCE_LOW,
     "TERMINAL operations (no parent in libsandbox's table: process-info*, syscall-unix, "
     "iokit-get-properties, file-link, file-map-executable, ...) take their built-in action when "
     "no rule decides, not the default rule; action 1 means allowed, 0 denied.",
     "simbple's 10.15 operation table (node type, builtin_action); WebKit's comment that "
     "process-info* defaults to allow and its explicit denies of iokit-get-properties and "
     "syscall-unix; sbpl-reference.md 3.3",
     "Decision step 3.3: these operations would follow default like any other."},
    {SBP_FACT_FALLBACK_CHAINS, "fallback-chains", SBP_CONFIDENCE_MEDIUM,
     "network-bind falls back to network-inbound and managed-preference-read to "
     "user-preference-read (not to network* and default directly).",
     "simbple's 10.15 operation table (fallback column); sbpl-reference.md 3.3 and 4.4",
     "The chains of those two operations: a network-inbound rule would no longer speak for "
     "bind(), a user-preference-read rule no longer for managed preferences."},
    {SBP_FACT_REGEX_COUNTED_REPETITION, "regex-counted-repetition", SBP_CONFIDENCE_LOW,
     "Counted repetition {m,n} in SBPL regexes is of doubtful support: WebKit repeats a class "
     "by hand until an Apple bug is fixed, and regex-quote escapes '{'.",
     "WebKit com.apple.WebProcess.sb.in (rdar://29646094 comment); simbple regex.c; "
     "sbpl-reference.md 7",
     "The regex reader: {m,n} would be accepted without a warning (or rejected outright)."},
    {SBP_FACT_STRING_LITERAL_256, "string-literal-256", SBP_CONFIDENCE_LOW,
     "String literals of 256 bytes or more fail in Apple's reader (\"Error reading string\"), as "
     "they do in the TinyScheme copy with a 256-byte buffer.",
     "simbple scheme-private.h (char strbuff[256]); sbpl-reference.md 1 and 8.1",
     "A linter warning only: long literals would need no (param ...) workaround."},
    {SBP_FACT_WILDCARD_SKIPS_TERMINAL, "wildcard-skips-terminal", SBP_CONFIDENCE_LOW,
     "A rule on a wildcard (file*, file-write*, process*) does not reach a TERMINAL operation "
     "whose name falls under it (file-link, file-clone, file-write-setugid, process-info*), "
     "because that operation has no parent.",
     "simbple's 10.15 operation table (TERMINAL rows have no fallback); Nix's explicit "
     "(deny file-write-setugid); sbpl-reference.md 3.3 (unverified)",
     "The chains of TERMINAL operations: wildcard rules would speak for them."},
    {SBP_FACT_INFERRED_PARENT, "inferred-parent", SBP_CONFIDENCE_LOW,
     "Operations new in 14.x (file-lock, fs-quota*, mach-task*, syscall*, iokit-open-*, ...) "
     "fall back to the longest wildcard their name starts with; names also in 10.15 keep the "
     "10.15 parent and TERMINAL flag.",
     "operations_macos14.4.1_hierarchy_inferred.tsv (name-based inference); Protonk/sandbox-"
     "boostrap ops.json for the names",
     "The 14.4.1 chains of the inferred operations (flagged SBP_CATALOG_OP_PARENT_INFERRED)."},
    {SBP_FACT_IOKIT_OPEN_ALIAS, "iokit-open-alias", SBP_CONFIDENCE_LOW,
     "On 14.x, where the table has iokit-open*, iokit-open-user-client and iokit-open-service "
     "but no iokit-open, the name iokit-open (still written by Codex's base policy) stands for "
     "iokit-open-user-client.",
     "one unverified libsandbox re-implementation (public source code; repository not "
     "identified); openai/codex seatbelt_base_policy.sbpl usage; sbpl-reference.md 3.2",
     "Which 14.x operation an iokit-open rule speaks for (iokit-open* would also cover "
     "iokit-open-service)."},
    {SBP_FACT_SYSCTL_WRITE_ALIAS, "sysctl-write-alias", SBP_CONFIDENCE_MEDIUM,
     "The prelude rebinds the name sysctl-write to the sysctl* operation, so a rule written on "
     "sysctl-write also speaks for sysctl-read.",
     "simbple sbpl_v1.scm alias table (reconstructed prelude); sbpl-reference.md 2.3",
     "Alias resolution: sysctl-write rules would speak for writes only."},
    {SBP_FACT_MODIFIER_APPLICABILITY, "modifier-applicability", SBP_CONFIDENCE_LOW,
     "A modifier used on an action outside its table entry (report on a deny, no-report on an "
     "allow) is accepted and has no effect; it is not a compile error.",
     "modifiers_by_source.tsv (applies_to); sbpl-reference.md 5 (behaviour unverified)",
     "Linter severity: such modifiers would be errors, not warnings."},
    {SBP_FACT_NEW_FILTER_SPELLINGS, "new-filter-spellings", SBP_CONFIDENCE_LOW,
     "Argument kinds and derived spellings (-prefix, -regex, subpath forms) of filters new in "
     "14.x/15.x follow libsandbox's 10.15 derivation rule applied to the 15.x argument types, "
     "whose enum names are shifted by one against 10.13-10.15's.",
     "0x3c3e/sandblaster filters.json; simbple filters/interface.c derivation rule; "
     "comparison of the 10.12, 10.15 and 15.x tables",
     "Which spellings of those filters the catalog accepts (flagged "
     "SBP_CATALOG_FILTER_INFERRED)."},
    {SBP_FACT_PRELUDE_CARRIED_OVER, "prelude-carried-over", SBP_CONFIDENCE_LOW,
     "The 14.x prelude keeps the aliases, 'no-op names and deprecated modifiers of the 10.15 "
     "prelude (process-exec, literal, no-log, termination, ...); no 14.x prelude is public.",
     "simbple's 10.12-10.15 prelude; real 2024-2025 profiles that still use process-exec, "
     "literal and no-log (Codex, Chromium)",
     "Which old names the catalog accepts on 14.4.1 (flagged SBP_CATALOG_MODIFIER_WEAK)."},
    {SBP_FACT_FSCTL_IO_ENCODING, "fsctl-io-encoding", SBP_CONFIDENCE_HIGH,
     "(_IO g n) evaluates to n + 256 * (char->integer g), for any n: the C macro's IOC_VOID "
     "bit (0x20000000) is not part of it, so (_IO \"h\" 47) is 26671, the value of the named "
     "constant HFSIOC_SET_HOTFILE_STATE.",
     "Apple's 10.15 SBPL library (sbpl1.scm of macOS 10.15.2, as published in "
     "knightsc/sandbox_profiles); simbple's 10.15 fsctl-command constants "
     "(filters_macos10.15_catalina_simbple.tsv) have the same values",
     "fsctl-command values written with _IO would differ from the named constants by "
     "0x20000000."},
    {SBP_FACT_SANDBOX_OPTIONS, "sandbox-options", SBP_CONFIDENCE_MEDIUM,
     "(disable-callouts) and (disable-full-symbolication) are built-ins of libsandbox, called "
     "at top level, that set profile-wide sandbox options rather than add rules; the "
     "deprecated modifiers (with no-callout) and (with partial-symbolication) call them and "
     "add no modifier to the rule.",
     "Apple's 10.15 SBPL library (sbpl1.scm of macOS 10.15.2, as published in "
     "knightsc/sandbox_profiles: the two modifiers are marked \"superseded by sandbox "
     "option\"); the 10.15 profiles com.apple.logd.sb, com.apple.opendirectoryd.sb, mds.sb "
     "and mds_stores.sb call the two at top level; simbple's prelude lists the modifiers as "
     "deprecated",
     "The options would be rule modifiers (or nothing): flatten would keep (with no-callout) "
     "on its rule instead of writing (disable-callouts) once."},
    {SBP_FACT_ALLOW_CREATE_DIRECTORY_UNDEFINED, "allow-create-directory-undefined",
     SBP_CONFIDENCE_MEDIUM,
     "libsandbox does not define allow-create-directory: a profile that calls it without "
     "defining it fails with an unbound variable, as sbprofile's evaluator does.",
     "Apple's 10.15 SBPL library and init.scm (knightsc/sandbox_profiles) and simbple's "
     "prelude define no such name; 10.15's colorsyncd.sb defines it for itself, while "
     "com.apple.colorsync.displayservices.sb calls it without a definition",
     "The evaluator would need the definition libsandbox has, and the displayservices "
     "profile would evaluate."},
    {SBP_FACT_SPECIFIC_OPERATION_FIRST, "specific-operation-first", SBP_CONFIDENCE_MEDIUM,
     "A rule for the exact operation outranks a later rule inherited from a wildcard ancestor: "
     "a (deny file-write-unlink ...) is not overridden by a later (allow file-write* ...). "
     "Contested: it contradicts plain last-wins across the chain, which sbprofile follows "
     "unless told otherwise (SBP_DECIDE_SPECIFIC_FIRST); decisions whose answer differs are "
     "flagged, and unknown under SBP_DECIDE_STRICT_PRECEDENCE.",
     "anthropic-experimental/sandbox-runtime 0.0.83 source (re-allows file-write-unlink after "
     "its move-blocking denies, because a specific deny is not overridden by a later wildcard "
     "allow); a peer's observation, not measured here; semantics.md section 7",
     "Step 3.1 walks the chain from the exact operation outward, last-wins within each level; "
     "every flagged decision takes the other answer."},
};

#define NFACTS (sizeof(FACTS) / sizeof(FACTS[0]))

static const fact_row *row_of(sbp_fact id) {
  for (size_t i = 0; i < NFACTS; i++)
    if (FACTS[i].id == id) return &FACTS[i];
  return NULL;
}

size_t sbp_catalog_fact_count(void) { return NFACTS; }

sbp_fact sbp_catalog_fact_at(size_t index) {
  return index < NFACTS ? FACTS[index].id : SBP_FACT_NONE;
}

const char *sbp_catalog_fact_name(sbp_fact fact) {
  const fact_row *r = row_of(fact);
  return r ? r->name : NULL;
}

const char *sbp_catalog_fact_statement(sbp_fact fact) {
  const fact_row *r = row_of(fact);
  return r ? r->statement : NULL;
}

sbp_confidence sbp_catalog_fact_confidence(sbp_fact fact) {
  const fact_row *r = row_of(fact);
  return r ? r->confidence : (sbp_confidence)0;
}

const char *sbp_catalog_fact_source(sbp_fact fact) {
  const fact_row *r = row_of(fact);
  return r ? r->source : NULL;
}

const char *sbp_catalog_fact_if_wrong(sbp_fact fact) {
  const fact_row *r = row_of(fact);
  return r ? r->if_wrong : NULL;
}
