policy --policy agent.json
