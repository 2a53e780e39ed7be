/// The recovery ladder: what the exporter tries before it pages a person about a dead agent.
///
/// A ladder (from the configuration's `recovery:` section) matches agents by their labels and, when one of them
/// enters the ladder's trigger state, runs its steps in order (a command, a webhook), giving the agent each
/// step's wait to beat again. The agent's alerts are held meanwhile; a beat ends the run as recovered and the
/// held alerts resolve unsent, while an exhausted or refused run releases them to the route tree.
public enum Recovery {}
