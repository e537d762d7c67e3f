package io.pigsty.sandbox;

import io.pigsty.model.DebianRelease;

/** Manual driver while developing: {@code up}, {@code down}, or {@code template debian13} (builds one template only). */
public final class SandboxMain {
    private SandboxMain() {
    }

    public static void main(String[] args) {
        Sandbox s = Sandbox.builder().progress(System.out::println).build();
        switch (args[0]) {
            case "up" -> s.up();
            case "template" -> System.out.println(s.ensureTemplate(DebianRelease.parse(args[1]).orElseThrow()));
            default -> s.down();
        }
    }
}
