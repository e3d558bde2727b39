#!/bin/bash
# Measures, on a Mac, the weak facts of sbprofile's decision engine: the rows of the facts
# table in lib/facts.c, and the rule-order facts docs/semantics.md rests on. For each, it
# applies a small probe profile with `sandbox-exec -p PROFILE -D DIR=... COMMAND` (the
# documented interface of sandbox-exec(1)), tries the operation the fact is about, and prints
#
#   FACT<TAB>held|not held|undetermined<TAB>what was observed
#
# then a summary with the macOS version (sw_vers) to copy into the table (see README.md, "What
# only a Mac can check"). It changes nothing outside a scratch directory under /private/tmp.
#
#   tests/macos/probe-facts.sh            run every probe (macOS only; fails loudly elsewhere)
#   tests/macos/probe-facts.sh --list     print the probe names (any OS; a ctest checks that
#                                         every row of lib/facts.c has a probe)
#
# Exit status: 0 every probe ran (whatever it found), 1 a probe could not run (its profile was
# rejected when it should not be, or a tool is missing), 2 not macOS or no sandbox-exec.
set -u

# ---- the probes: one function each, named after the fact ------------------------------------
# Facts of lib/facts.c (names as there), then the rule-order facts of docs/semantics.md.
PROBES=(
  unfiltered-below-filtered terminal-builtin fallback-chains regex-counted-repetition
  string-literal-256 wildcard-skips-terminal inferred-parent iokit-open-alias
  sysctl-write-alias modifier-applicability new-filter-spellings prelude-carried-over
  fsctl-io-encoding sandbox-options allow-create-directory-undefined specific-operation-first
  later-filtered-rule-wins specific-operation-beats-later-wildcard tmp-needs-private
  proxy-settings-need-configd
)

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${PROBES[@]}"
  exit 0
fi
if [ "$(uname -s)" != "Darwin" ]; then
  echo "probe-facts.sh: this kit applies profiles with sandbox-exec and runs only on macOS" \
       "(this is $(uname -s)); nothing was measured" >&2
  exit 2
fi
if [ ! -x /usr/bin/sandbox-exec ]; then
  echo "probe-facts.sh: /usr/bin/sandbox-exec not found; nothing was measured" >&2
  exit 2
fi

# The scratch directory in its canonical spelling (/private/tmp/...): rules see resolved paths.
DIR=$(mktemp -d /private/tmp/sbp-probe.XXXXXX) || exit 1
DIR=$(cd "$DIR" && pwd -P)
trap 'rm -rf "$DIR"' EXIT
SHORT_DIR="/tmp/${DIR#/private/tmp/}"   # the same directory through the /tmp link
export DIR SHORT_DIR                      # the probe commands run in a shell of their own
printf 'secret\n' >"$DIR/file"
printf 'secret\n' >"$DIR/aa"
: >"$DIR/victim"
: >"$DIR/w"

broken=0
results=()

report() { # FACT STATUS DETAILS
  results+=("$1"$'\t'"$2"$'\t'"$3")
  printf '%s\t%s\t%s\n' "$1" "$2" "$3"
}

# sb PROFILE SHELL-COMMAND: runs the command with /bin/sh under the profile (parameter DIR is
# the scratch directory). Sets RC (the command's status), RAN (1 when the shell started under
# the sandbox: the profile was accepted and exec allowed), OUT (the command's standard output)
# and ERR (sandbox-exec's and the command's standard error). The marker line tells a rejected
# profile (or a denied exec) from a denied operation.
sb() {
  local profile=$1 cmd=$2 out
  out=$(/usr/bin/sandbox-exec -D DIR="$DIR" -p "$profile" /bin/sh -c "echo sbp-probe-ran; $cmd" \
        2>"$DIR/.err")
  RC=$?
  ERR=$(cat "$DIR/.err")
  case "$out" in sbp-probe-ran*) RAN=1; OUT=${out#sbp-probe-ran} ;; *) RAN=0; OUT=$out ;; esac
}

# accepted PROFILE: whether sandbox-exec accepts the profile (it runs /usr/bin/true under it).
accepted() {
  /usr/bin/sandbox-exec -D DIR="$DIR" -p "$1" /usr/bin/true 2>"$DIR/.err"
}

# A profile that lets ordinary programs start; probes add their rules after it.
RUNTIME='(version 1)
(deny default)
(allow process-exec* process-fork)
(allow file-read* file-read-metadata file-map-executable)
(allow file-write* (literal "/dev/null"))
(allow sysctl-read)
(allow mach-lookup)
(allow signal (target self))'

# ---- 1. lib/facts.c ---------------------------------------------------------------------------

probe_unfiltered_below_filtered() {
  # A filtered deny, then an unfiltered allow written after it: if unfiltered rules rank
  # below filtered ones, the file stays unwritable although the allow is the last rule. (The
  # operation is file-write-data, which starting the shell does not need.)
  sb '(version 1)(allow default)
      (deny file-write-data (literal (string-append (param "DIR") "/w")))
      (allow file-write-data)' 'printf x >"$DIR/w"'
  local after=$RC ran=$RAN
  # And the other way round: an unfiltered deny after a filtered allow.
  sb '(version 1)(allow default)
      (allow file-write-data (literal (string-append (param "DIR") "/w")))
      (deny file-write-data)' 'printf x >"$DIR/w"'
  local before=$RC
  if [ "$ran" -ne 1 ] || [ "$RAN" -ne 1 ]; then
    report unfiltered-below-filtered undetermined "a probe did not start: $ERR"; broken=1
  elif [ "$after" -ne 0 ] && [ "$before" -eq 0 ]; then
    report unfiltered-below-filtered held "filtered deny beat a later unfiltered allow, filtered allow beat a later unfiltered deny"
  else
    report unfiltered-below-filtered "not held" "write with a later unfiltered allow: exit $after; with a later unfiltered deny: exit $before"
  fi
}

probe_terminal_builtin() {
  # process-info* has no parent (TERMINAL) and a built-in allow: under (deny default), with
  # no process-info rule, ps can still read its own process's information.
  sb "$RUNTIME" 'ps -o pid= -p $$ >/dev/null'
  if [ "$RAN" -ne 1 ]; then
    report terminal-builtin undetermined "the runtime profile did not start /bin/sh: $ERR"; broken=1
  elif [ "$RC" -eq 0 ]; then
    report terminal-builtin held "ps read process info under (deny default) with no process-info rule"
  else
    report terminal-builtin "not held" "ps failed (exit $RC) under (deny default): process-info* followed default"
  fi
}

probe_fallback_chains() {
  # network-bind falls back to network-inbound: denying network-inbound denies bind().
  if ! command -v perl >/dev/null; then report fallback-chains undetermined "perl not found"; broken=1; return; fi
  sb '(version 1)(allow default)(deny network-inbound)' \
     'perl -MSocket -e "socket(S, PF_INET, SOCK_STREAM, 0) or exit 3; bind(S, pack_sockaddr_in(0, inet_aton(q(127.0.0.1)))) or exit 1; exit 0"'
  if [ "$RAN" -ne 1 ]; then
    report fallback-chains undetermined "the probe did not start: $ERR"; broken=1
  elif [ "$RC" -eq 1 ]; then
    report fallback-chains held "bind() denied by (deny network-inbound) (managed-preference-read not probed)"
  elif [ "$RC" -eq 0 ]; then
    report fallback-chains "not held" "bind() allowed under (deny network-inbound)"
  else
    report fallback-chains undetermined "the socket could not be made (exit $RC)"
  fi
}

probe_regex_counted_repetition() {
  # Is {m,n} supported? A deny on ^DIR/a{2}$ must refuse DIR/aa if it is.
  local re="^${DIR}/a{2}\$"
  if ! accepted "(version 1)(allow default)(deny file-read-data (regex #\"$re\"))"; then
    report regex-counted-repetition held "the profile with a{2} was rejected: $(cat "$DIR/.err")"; return
  fi
  sb "(version 1)(allow default)(deny file-read-data (regex #\"$re\"))" 'cat "$DIR/aa" >/dev/null'
  if [ "$RC" -ne 0 ]; then
    report regex-counted-repetition "not held" "a{2} is supported: DIR/aa was denied"
  else
    report regex-counted-repetition held "a{2} was accepted but did not match DIR/aa"
  fi
}

probe_string_literal_256() {
  # A string literal of 256 bytes or more: rejected by the reader?
  local long
  long="$DIR/$(printf 'x%.0s' $(seq 1 300))"
  if accepted "(version 1)(allow default)(deny file-read-data (literal \"$long\"))"; then
    report string-literal-256 "not held" "a ${#long}-byte literal was accepted"
  else
    report string-literal-256 held "a ${#long}-byte literal was rejected: $(head -c 200 "$DIR/.err")"
  fi
}

probe_wildcard_skips_terminal() {
  # process-info* is TERMINAL: does (deny process*) reach it? exec and fork are allowed
  # again after the wildcard deny, so only process-info is left to it.
  sb '(version 1)(allow default)(deny process*)(allow process-exec* process-fork)' \
     'ps -o pid= -p $$ >/dev/null'
  if [ "$RAN" -ne 1 ]; then
    report wildcard-skips-terminal undetermined "the probe did not start: $ERR"; broken=1
  elif [ "$RC" -eq 0 ]; then
    report wildcard-skips-terminal held "ps read process info under (deny process*)"
  else
    report wildcard-skips-terminal "not held" "ps failed (exit $RC) under (deny process*)"
  fi
}

probe_inferred_parent() {
  # file-lock (new in 14.x) is taken to fall back to file*: a deny on file* for the file, then
  # allows of file-read* and file-write* for it, leave flock() to the deny if so.
  if ! command -v perl >/dev/null; then report inferred-parent undetermined "perl not found"; broken=1; return; fi
  sb '(version 1)(allow default)
      (deny file* (literal (string-append (param "DIR") "/file")))
      (allow file-read* file-write* (literal (string-append (param "DIR") "/file")))' \
     'perl -e "use Fcntl qw(:flock); open(my \$f, q(<), \$ARGV[0]) or exit 3; flock(\$f, LOCK_EX) or exit 1; exit 0" "$DIR/file"'
  if [ "$RAN" -ne 1 ]; then
    report inferred-parent undetermined "the probe did not start: $ERR"; broken=1
  elif [ "$RC" -eq 1 ]; then
    report inferred-parent held "flock() denied: file-lock follows file*, not file-read*/file-write*"
  elif [ "$RC" -eq 0 ]; then
    report inferred-parent "not held" "flock() allowed: file-lock is under file-read* or file-write* (or unchecked)"
  else
    report inferred-parent undetermined "the file could not be opened (exit $RC)"
  fi
}

probe_iokit_open_alias() {
  # Whether the name iokit-open is still accepted (it is taken to mean
  # iokit-open-user-client). Which operation it stands for needs a program that opens a
  # user client; that part is left to a manual check.
  if accepted '(version 1)(allow default)(deny iokit-open (iokit-user-client-class "IOSurfaceRootUserClient"))'; then
    report iokit-open-alias undetermined "iokit-open is accepted; which operation it names is not observable from the shell"
  else
    report iokit-open-alias "not held" "iokit-open was rejected: $(head -c 200 "$DIR/.err")"
  fi
}

probe_sysctl_write_alias() {
  # sysctl-write is taken to be bound to sysctl*: denying it denies reads too.
  if ! accepted '(version 1)(allow default)(deny sysctl-write)'; then
    report sysctl-write-alias "not held" "sysctl-write is not a name: $(head -c 200 "$DIR/.err")"; return
  fi
  sb '(version 1)(allow default)(deny sysctl-write)' 'sysctl -n kern.ostype >/dev/null'
  if [ "$RAN" -ne 1 ]; then
    report sysctl-write-alias undetermined "the probe did not start: $ERR"; broken=1
  elif [ "$RC" -ne 0 ]; then
    report sysctl-write-alias held "a sysctl read failed under (deny sysctl-write)"
  else
    report sysctl-write-alias "not held" "a sysctl read worked under (deny sysctl-write)"
  fi
}

probe_modifier_applicability() {
  # report on a deny and no-report on an allow: accepted (and without effect)?
  if accepted '(version 1)(allow default)
               (deny file-read-data (literal (string-append (param "DIR") "/file")) (with report))
               (allow file-read-data (literal (string-append (param "DIR") "/aa")) (with no-report))'; then
    report modifier-applicability held "both modifiers were accepted"
  else
    report modifier-applicability "not held" "rejected: $(head -c 200 "$DIR/.err")"
  fi
}

probe_new_filter_spellings() {
  # The derived spellings of new filters are not probed one by one here: list them with
  # `sbprofile lint --list-checks` and try each in a profile like the ones above.
  report new-filter-spellings undetermined "no automatic probe: the spellings to try depend on the catalog version"
}

probe_prelude_carried_over() {
  # process-exec, literal and no-log are still accepted, and literal still matches.
  sb '(version 1)(allow default)(allow process-exec (literal "/bin/sh"))
      (deny file-read-data (literal (string-append (param "DIR") "/file")) (with no-log))' \
     'cat "$DIR/file" >/dev/null'
  if [ "$RAN" -ne 1 ]; then
    report prelude-carried-over "not held" "rejected or did not start: $ERR"
  elif [ "$RC" -ne 0 ]; then
    report prelude-carried-over held "process-exec, literal and no-log accepted; the literal deny applied"
  else
    report prelude-carried-over "not held" "accepted, but the literal deny did not apply"
  fi
}

probe_fsctl_io_encoding() {
  # The value (_IO "h" 47) evaluates to is observable through the profile itself: a rule
  # guarded by (if (= (_IO "h" 47) N) ...) applies only when it is N. 26671 is the value
  # without the C macro's IOC_VOID bit, 536897583 the value with it.
  local deny='(deny file-read-data (literal (string-append (param "DIR") "/file")))'
  sb "(version 1)(allow default)(if (= (_IO \"h\" 47) 26671) $deny)" 'cat "$DIR/file" >/dev/null'
  if [ "$RAN" -ne 1 ]; then
    report fsctl-io-encoding undetermined "a profile calling _IO was rejected (_IO not bound here?): $(printf '%s' "$ERR" | head -c 200)"
    return
  fi
  if [ "$RC" -ne 0 ]; then
    report fsctl-io-encoding held "(_IO \"h\" 47) = 26671: no IOC_VOID bit"; return
  fi
  sb "(version 1)(allow default)(if (= (_IO \"h\" 47) 536897583) $deny)" 'cat "$DIR/file" >/dev/null'
  if [ "$RAN" -eq 1 ] && [ "$RC" -ne 0 ]; then
    report fsctl-io-encoding "not held" "(_IO \"h\" 47) = 536897583: the IOC_VOID bit is part of it"
  else
    report fsctl-io-encoding undetermined "(_IO \"h\" 47) is neither 26671 nor 536897583"
  fi
}

probe_sandbox_options() {
  # (disable-callouts) and (disable-full-symbolication) called at top level, and the
  # deprecated modifiers that stand for them: accepted, with the profile's rules still in
  # force? Whether the modifiers add a rule modifier is not observable from the shell.
  sb '(version 1)(allow default)(disable-callouts)(disable-full-symbolication)
      (deny file-read-data (literal (string-append (param "DIR") "/file")))' \
     'cat "$DIR/file" >/dev/null'
  if [ "$RAN" -ne 1 ]; then
    report sandbox-options "not held" "the top-level calls were rejected: $(printf '%s' "$ERR" | head -c 200)"; return
  fi
  local top=$RC
  if ! accepted '(version 1)(allow default)
                 (deny file-read-data (literal (string-append (param "DIR") "/file"))
                       (with no-callout) (with partial-symbolication))'; then
    report sandbox-options undetermined "the top-level calls were accepted, the modifiers (with no-callout) and (with partial-symbolication) rejected: $(head -c 200 "$DIR/.err")"
  elif [ "$top" -ne 0 ]; then
    report sandbox-options held "the top-level calls and the deprecated modifiers were accepted; the profile's deny still applied (that the modifiers add no rule modifier is not observable)"
  else
    report sandbox-options undetermined "the top-level calls were accepted, but the profile's deny did not apply after them"
  fi
}

probe_allow_create_directory_undefined() {
  # A profile that calls allow-create-directory without defining it.
  if accepted '(version 1)(allow default)
               (allow-create-directory (literal (string-append (param "DIR") "/d")))'; then
    report allow-create-directory-undefined "not held" "a profile calling allow-create-directory without defining it was accepted"
  else
    case "$(cat "$DIR/.err")" in
      *unbound*) report allow-create-directory-undefined held "rejected: $(head -c 200 "$DIR/.err")" ;;
      *) report allow-create-directory-undefined undetermined "rejected, but not for an unbound variable: $(head -c 200 "$DIR/.err")" ;;
    esac
  fi
}

# specific-operation-first (lib/facts.c) is the rule-order fact of section 2 measured by the
# same probe; it is reported under both names.
probe_specific_operation_first() {
  specific_operation_probe specific-operation-first
}

# ---- 2. the rule-order facts of docs/semantics.md --------------------------------------------

probe_later_filtered_rule_wins() {
  sb '(version 1)(allow default)
      (deny file-read-data (literal (string-append (param "DIR") "/file")))
      (allow file-read-data (literal (string-append (param "DIR") "/file")))' \
     'cat "$DIR/file" >/dev/null'
  local later_allow=$RC ran=$RAN
  sb '(version 1)(allow default)
      (allow file-read-data (literal (string-append (param "DIR") "/file")))
      (deny file-read-data (literal (string-append (param "DIR") "/file")))' \
     'cat "$DIR/file" >/dev/null'
  if [ "$ran" -ne 1 ] || [ "$RAN" -ne 1 ]; then
    report later-filtered-rule-wins undetermined "a probe did not start: $ERR"; broken=1
  elif [ "$later_allow" -eq 0 ] && [ "$RC" -ne 0 ]; then
    report later-filtered-rule-wins held "the later of two filtered rules decided, both ways"
  else
    report later-filtered-rule-wins "not held" "later allow: exit $later_allow; later deny: exit $RC"
  fi
}

probe_specific_operation_beats_later_wildcard() {
  specific_operation_probe specific-operation-beats-later-wildcard
}

specific_operation_probe() { # FACT
  # (deny file-write-unlink F) then (allow file-write* F): plain last-wins lets rm remove F;
  # if the specific operation outranks the later wildcard, rm fails.
  sb '(version 1)(allow default)
      (deny file-write-unlink (literal (string-append (param "DIR") "/victim")))
      (allow file-write* (literal (string-append (param "DIR") "/victim")))' \
     'rm -f "$DIR/victim"'
  if [ "$RAN" -ne 1 ]; then
    report "$1" undetermined "the probe did not start: $ERR"; broken=1
  elif [ -e "$DIR/victim" ]; then
    report "$1" held "rm was denied: the specific deny outranked the later file-write* allow"
  else
    report "$1" "not held" "rm worked: plain last-wins across the chain"
    : >"$DIR/victim"
  fi
}

probe_tmp_needs_private() {
  # A rule on the /tmp spelling never matches; the /private/tmp one does.
  sb "(version 1)(allow default)(deny file-read-data (literal \"$SHORT_DIR/file\"))" \
     'cat "$DIR/file" >/dev/null && cat "'"$SHORT_DIR"'/file" >/dev/null'
  local short=$RC
  sb "(version 1)(allow default)(deny file-read-data (literal \"$DIR/file\"))" \
     'cat "'"$SHORT_DIR"'/file" >/dev/null'
  if [ "$short" -eq 0 ] && [ "$RC" -ne 0 ]; then
    report tmp-needs-private held "a /tmp rule never matched; the /private/tmp rule caught the read through /tmp"
  else
    report tmp-needs-private "not held" "/tmp rule: exit $short; /private/tmp rule: exit $RC"
  fi
}

probe_proxy_settings_need_configd() {
  # Reading the system proxy settings goes through configd: without the mach-lookup the
  # answer is missing.
  sb '(version 1)(allow default)(deny mach-lookup (global-name "com.apple.SystemConfiguration.configd"))' \
     'scutil --proxy'
  local denied=$RC out_denied=$OUT
  sb '(version 1)(allow default)' 'scutil --proxy'
  if [ "$RC" -ne 0 ]; then
    report proxy-settings-need-configd undetermined "scutil --proxy fails even with configd (exit $RC)"
  elif [ "$denied" -ne 0 ] || [ "$out_denied" != "$OUT" ]; then
    report proxy-settings-need-configd held "without configd scutil --proxy failed (exit $denied) or answered otherwise"
  else
    report proxy-settings-need-configd "not held" "scutil --proxy gave the same answer without configd"
  fi
}

# ---- run ----------------------------------------------------------------------------------------

# Sanity: sandbox-exec applies profiles at all (an allow-default profile runs, a deny-default
# one stops the shell from starting).
sb '(version 1)(allow default)' 'true'
if [ "$RAN" -ne 1 ]; then
  echo "probe-facts.sh: sandbox-exec did not run a command under (allow default): $ERR" >&2
  exit 1
fi
sb '(version 1)(deny default)' 'true'
if [ "$RAN" -eq 1 ]; then
  echo "probe-facts.sh: a command started under (deny default): profiles are not applied" >&2
  exit 1
fi

echo "# sbprofile fact probes on macOS $(sw_vers -productVersion 2>/dev/null) ($(sw_vers -buildVersion 2>/dev/null)), $(uname -m)"
for p in "${PROBES[@]}"; do
  "probe_${p//-/_}"
done
held=0; not=0; und=0
for r in "${results[@]}"; do
  case "$r" in
    *$'\t'held$'\t'*) held=$((held + 1)) ;;
    *$'\t'"not held"$'\t'*) not=$((not + 1)) ;;
    *) und=$((und + 1)) ;;
  esac
done
echo "# ${#results[@]} probes: $held held, $not not held, $und undetermined"
exit "$broken"
