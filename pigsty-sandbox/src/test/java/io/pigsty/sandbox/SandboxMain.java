package io.pigsty.sandbox;

/** Manual driver while developing: up or down. */
public final class SandboxMain {
    private SandboxMain() {
    }

    public static void main(String[] args) {
        Sandbox s = Sandbox.builder().progress(System.out::println).build();
        if (args[0].equals("up")) {
            s.up();
        } else {
            s.down();
        }
    }
}
