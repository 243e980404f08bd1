# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion for slotscope(1), installed as
# $(PREFIX)/share/bash-completion/completions/slotscope.
#
# Completes the options and their values, and after -c the command language
# (quote the command: -c 'reserve web1 7'): command names, instance names,
# slots 0-31, device types, KEY= words.  Instance names are those the line
# already names (NAME=ENDPOINT) and those of the config files slotscope
# would read: --config FILE, else /etc/slotscope/config and
# $XDG_CONFIG_HOME/slotscope/config (~/.config/slotscope/config), their
# `instance` lines and the NAME.qmp / NAME.monitor sockets in their
# monitor-dir lines and in --monitor-dir DIRs.  No monitor is contacted.
# libvirt domains: the running ones of each --libvirt [URI] of the line
# and `libvirt URI` line of those files, as `virsh list --name` says
# (libvirt's own tool; at most 3 s each, and detached from the terminal
# so that an ssh transport cannot stop to ask for a password).

_slotscope_config_names()
{
	local f=$1 kw a b
	[[ -r $f && -f $f ]] || return 0
	while read -r kw a b; do
		case $kw in
		instance) printf '%s\n' "$a" ;;
		monitor-dir) _slotscope_dir_names "$a" ;;
		libvirt) _slotscope_libvirt_names "$a" ;;
		esac
	done < <(sed 's/#.*//' "$f" 2>/dev/null)
}

_slotscope_dir_names()
{
	local s n
	for s in "$1"/*.qmp "$1"/*.monitor; do
		[[ -S $s ]] || continue
		n=${s##*/}
		printf '%s\n' "${n%.*}"
	done
}

# The running domains of libvirt URI $1 ("" for libvirt's default).
_slotscope_libvirt_names()
{
	local uri=${1:-${LIBVIRT_DEFAULT_URI:-qemu:///system}}
	command -v virsh >/dev/null 2>&1 || return 0
	timeout 3 setsid -w virsh -q -c "$uri" list --name \
	    </dev/null 2>/dev/null
}

# The domains of the line's --libvirt [URI] and --libvirt=URI (read from
# COMP_LINE: COMP_WORDS splits a URI at its ':' and '=').
_slotscope_line_libvirt()
{
	local -a w
	local i v
	read -ra w <<<"${COMP_LINE-}"
	for ((i = 0; i < ${#w[@]}; i++)); do
		case ${w[i]} in
		--libvirt=*) v=${w[i]#--libvirt=} ;;
		--libvirt)
			v=${w[i + 1]-}
			[[ $v == *://* ]] || v= ;;
		*) continue ;;
		esac
		v=${v#[\'\"]}
		v=${v%[\'\"]}
		_slotscope_libvirt_names "$v"
	done
}

# Every instance name the command line in COMP_WORDS would see.
_slotscope_instances()
{
	local i w v config=
	for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		v=${COMP_WORDS[i + 1]-}
		[[ $v == = ]] && v=${COMP_WORDS[i + 2]-}	# --opt=VALUE
		case $w in
		--config) config=$v ;;
		--monitor-dir) _slotscope_dir_names "$v" ;;
		esac
		# NAME=ENDPOINT: bash splits it at '=' into NAME, =, ENDPOINT
		if [[ $i -ne $COMP_CWORD && ${COMP_WORDS[i + 1]-} == = &&
		    $w =~ ^[A-Za-z0-9_][A-Za-z0-9._-]*$ ]]; then
			printf '%s\n' "$w"
		fi
	done
	_slotscope_line_libvirt
	if [[ -n $config ]]; then
		_slotscope_config_names "${config/#\~/$HOME}"
	else
		_slotscope_config_names /etc/slotscope/config
		_slotscope_config_names \
		    "${XDG_CONFIG_HOME:-$HOME/.config}/slotscope/config"
	fi
}

# Complete inside the -c argument: $1 is that argument so far.
_slotscope_command()
{
	local arg=$1 q= head sub cands cmd n
	local cmds='list show reserve free next id parse-id hotplug unplug
	    adopt forget refresh version help'
	if [[ $arg == [\'\"]* ]]; then
		q=${arg:0:1}
		arg=${arg:1}
	fi
	head=
	sub=$arg
	if [[ $arg == *' '* ]]; then
		head=${arg% *}' '
		sub=${arg##* }
	fi
	local -a w
	read -ra w <<<"$head"
	n=${#w[@]}
	cmd=${w[0]-}
	if [[ -z $q && $n -gt 0 ]]; then
		return 0	# unquoted, the command is one word only
	fi
	if ((n == 0)); then
		cands=$cmds
	else
		case $cmd:$n in
		show:1|reserve:1|free:1|next:1|hotplug:1|unplug:1|adopt:1|forget:1|refresh:1|version:1)
			cands=$(_slotscope_instances | sort -u) ;;
		reserve:2|free:2|unplug:2|adopt:2|forget:2) cands=$(echo {0..31}) ;;
		free:3|reserve:3) cands=--force ;;
		unplug:3) cands='--retry --force' ;;
		show:2) cands=--json ;;
		hotplug:2|id:1|adopt:3) cands='nic disk' ;;
		help:1) cands=$cmds ;;
		hotplug:*)
			case ${w[2]}:$sub in
			*:format=*) cands='format=raw format=qcow2' ;;
			*:backend=*) cands='backend=user backend=tap:' ;;
			nic:*) cands='backend= mac= model= uuid= bus= slot=
			    bridge= network=' ;;
			disk:*) cands='path= format= uuid= bus= slot=' ;;
			esac ;;
		esac
	fi
	[[ -n ${cands-} ]] || return 0
	compopt -o nospace 2>/dev/null
	local c
	while read -r c; do
		[[ -n $c ]] || continue
		# the reply replaces the whole word, its opening quote too
		if [[ $c == *= || $c == *: ]]; then
			COMPREPLY+=("$q$head$c")
		else
			COMPREPLY+=("$q$head$c ")
		fi
	done < <(compgen -W "$cands" -- "$sub")
	if [[ -z $q ]]; then
		COMPREPLY=("${COMPREPLY[@]% }")
		compopt +o nospace 2>/dev/null
	fi
}

_slotscope()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	# --opt=VALUE: bash splits it into --opt, = and VALUE
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi
	case $prev in
	-c)
		_slotscope_command "$cur"
		return 0 ;;
	--config|--audit-log)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
		return 0 ;;
	--monitor-dir|--runtime-dir|--simulate)
		COMPREPLY=($(compgen -d -- "$cur"))
		compopt -o filenames 2>/dev/null
		return 0 ;;
	--machine)
		COMPREPLY=($(compgen -W 'pc pc-nodefaults q35' -- "$cur"))
		return 0 ;;
	--colors)
		COMPREPLY=($(compgen -W 'auto dark light none' -- "$cur"))
		return 0 ;;
	-o|--output)
		# a comma-separated list: complete its last column (list's and
		# show's, as slotscope --help lists them)
		local pre=
		[[ $cur == *,* ]] && pre=${cur%,*},
		COMPREPLY=($(compgen -P "$pre" -W 'name conn protocol qemu free
		    reserved live capacity builtin used foreign missing
		    unplugging bridge port closed unknown endpoint error slot
		    state id type anonymous functions class' \
		    -- "${cur##*,}"))
		compopt -o nospace 2>/dev/null
		return 0 ;;
	--guest)
		COMPREPLY=($(compgen -W 'none ack ack= ignore' -- "$cur"))
		return 0 ;;
	--scenario)
		COMPREPLY=($(compgen -W 'list full-bus orphan-device
		    stuck-unplug busy-monitor crashed-instance q35
		    ganeti-collision' -- "$cur"))
		return 0 ;;
	--fault)
		COMPREPLY=($(compgen -W 'slow= cut garbage crash=' -- "$cur"))
		return 0 ;;
	--probe)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
		return 0 ;;
	--interval|--unplug-wait|--instances|--names)
		return 0 ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--monitor-dir --libvirt --host --config
		    --runtime-dir --audit-log --interval --colors -c --json
		    --unplug-wait -o --output --raw --noheadings --probe --demo
		    --simulate --scenario --instances --machine --names --guest
		    --fault --agent --version --help -h' -- "$cur"))
	fi
	return 0
}
complete -F _slotscope slotscope
