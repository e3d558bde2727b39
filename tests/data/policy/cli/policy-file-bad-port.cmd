policy --policy ../files/bad-port.json
