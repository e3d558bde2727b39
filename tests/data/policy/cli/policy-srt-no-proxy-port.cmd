policy --srt-settings no-proxy-port.json --cwd /Users/alice/proj --home /Users/alice -o /dev/null
