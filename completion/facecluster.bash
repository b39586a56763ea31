# bash completion for facecluster and faceclusterd (installed as
# share/bash-completion/completions/facecluster and .../faceclusterd).
# PERSON arguments complete to the store's people, names and ids, read from
# `facecluster people --all --json`; face ids are not completed.

# _facecluster_people CLI [GLOBAL_OPTION...]: the people's ids and names, one a line.
# The JSON is read with awk only (no jq): a person's id is "id" today, "person" later.
_facecluster_people()
{
    "$@" people --all --json 2>/dev/null | awk '
        {
            if (match($0, /"(person|id)": *[0-9]+/)) {
                id = substr($0, RSTART, RLENGTH)
                sub(/.*: */, "", id)
                print id
            }
            if (match($0, /"name": *"([^"\\]|\\.)*"/)) {
                name = substr($0, RSTART, RLENGTH)
                sub(/^"name": *"/, "", name)
                name = substr(name, 1, length(name) - 1)
                if (name ~ /\\[^"\\\/]/) next # control characters: no good as a word
                gsub(/\\\//, "/", name)
                gsub(/\\"/, "\"", name)
                gsub(/\\\\/, "\\", name)
                print name
            }
        }'
}

# _facecluster_add WORD...: those starting with $cur, quoted for the command line. Never
# compgen -W: it would expand a name's $(...) or `...`.
_facecluster_add()
{
    local word prefix=${cur#[\"\']}
    for word in "$@"; do
        [[ $word == "$prefix"* ]] && COMPREPLY+=("$(printf '%q' "$word")")
    done
}

_facecluster_files()
{
    compopt -o filenames 2>/dev/null
    local IFS=$'\n'
    COMPREPLY+=($(compgen -f -- "$cur"))
}

_facecluster()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local commands="check cover detect embed help hide history merge model move name not
        page people photos reject sheet show similar status train undo unhide who xmp"
    COMPREPLY=()
    # the global options before the command, kept to ask the same store for its people
    local cli=${COMP_WORDS[0]/#\~/$HOME} global=() i=1 cmd=
    [[ $cli == */* && -x $cli ]] || cli=facecluster
    while ((i < COMP_CWORD)); do
        case ${COMP_WORDS[i]} in
            --db | --model)
                ((i + 1 < COMP_CWORD)) && global+=("${COMP_WORDS[i]}" "${COMP_WORDS[i + 1]/#\~/$HOME}")
                i=$((i + 2)) ;;
            --db=* | --model=*) global+=("${COMP_WORDS[i]}"); i=$((i + 1)) ;;
            -*) i=$((i + 1)) ;;
            *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    if [[ -z $cmd ]]; then
        case $prev in
            --db | --model) _facecluster_files; return ;;
        esac
        if [[ $cur == -* ]]; then
            _facecluster_add --db --model --help --version
        else
            _facecluster_add $commands
        fi
        return
    fi
    # the positional arguments before this one, and the options that take a value (--db
    # and --model may come after the command too)
    local npos=0 j
    for ((j = i + 1; j < COMP_CWORD; j++)); do
        case ${COMP_WORDS[j]} in
            --db | --model)
                ((j + 1 < COMP_CWORD)) && global+=("${COMP_WORDS[j]}" "${COMP_WORDS[j + 1]/#\~/$HOME}")
                j=$((j + 1)) ;;
            --db=* | --model=*) global+=("${COMP_WORDS[j]}") ;;
            --detector | --align | -o | --output | --columns | --size | --max | -n | --count | \
                --dim | --epochs | --threshold | -l | --link) j=$((j + 1)) ;;
            -*) ;;
            *) npos=$((npos + 1)) ;;
        esac
    done
    case $prev in
        --detector) _facecluster_add ssd tiny; return ;;
        --align) _facecluster_add chip box; return ;;
        -o | --output | --db | --model) _facecluster_files; return ;;
        -l | --link)
            compopt -o filenames 2>/dev/null
            local IFS=$'\n'
            COMPREPLY=($(compgen -d -- "$cur"))
            return ;;
        --columns | --size | --max | -n | --count | --dim | --epochs | --threshold) return ;;
    esac
    local options= person=0 files=0
    case $cmd in
        check) options=--json ;;
        cover) options=--json; ((npos == 0)) && person=1 ;;
        detect) options="--json --detector"; files=1 ;;
        embed) options="--json --detector --align --aligned"; files=1 ;;
        help) ((npos == 0)) && _facecluster_add $commands; return ;;
        hide | unhide) options=--json; ((npos == 0)) && person=1 ;;
        history) options="-n --count --json" ;;
        page) options="-o --output --force --json" ;;
        name) ((npos == 0)) && person=1 ;;
        merge) options=--json; person=1 ;;
        model)
            if ((npos == 0)); then
                _facecluster_add convert info path
            elif [[ ${COMP_WORDS[i + 1]} == info ]]; then
                options=--json
            elif [[ ${COMP_WORDS[i + 1]} == convert ]]; then
                files=1
            fi ;;
        move) options="--new --json"; ((npos > 0)) && person=1 ;;
        not) options=--json; ((npos > 0)) && person=1 ;;
        people) options="--json --unsorted --all" ;;
        photos) options="-0 --null --json -l --link"; ((npos == 0)) && person=1 ;;
        reject | undo) options=--json ;;
        sheet) options="--all --unsorted -o --output --force --columns --size --max --json"
            ((npos == 0)) && person=1 ;;
        show) options="--json --doubt --unsorted"; ((npos == 0)) && person=1 ;;
        similar) options="-n --json"; files=1 ;;
        status) options="--json --bad" ;;
        train) options="--dim --epochs --json --reset" ;;
        who) options="--json --threshold"; files=1 ;;
        xmp)
            if ((npos == 0)); then
                _facecluster_add write read
            elif [[ ${COMP_WORDS[i + 1]} == write ]]; then
                options="--dry-run -n --json"; person=1
            else
                options="--json --import"; files=1
            fi ;;
        *) return ;;
    esac
    if [[ $cur == -* ]]; then
        _facecluster_add $options
        return
    fi
    if ((person)); then
        local IFS=$'\n'
        _facecluster_add $(_facecluster_people "$cli" "${global[@]}")
        unset IFS
    fi
    ((files)) && _facecluster_files
    return 0
}

_faceclusterd()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    case $prev in
        --watch)
            compopt -o filenames 2>/dev/null
            local IFS=$'\n'
            COMPREPLY=($(compgen -d -- "$cur"))
            return ;;
        --db | --model | --config) _facecluster_files; return ;;
        --detector) _facecluster_add ssd tiny; return ;;
        --xmp) _facecluster_add read write; return ;;
        --index-on-battery) _facecluster_add first always never; return ;;
        --threads | --max-watches | --settle-ms | --purge-days | --max-tries | --model-ttl) return ;;
    esac
    _facecluster_add --once --watch --db --model --detector --threads --config \
        --max-watches --settle-ms --purge-days --max-tries --model-ttl --index-on-battery \
        --xmp --verbose --help
}

complete -F _facecluster facecluster
complete -F _faceclusterd faceclusterd
