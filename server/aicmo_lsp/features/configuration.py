"""Settings and files that change the checks: re-validate every open report without a restart."""

from __future__ import annotations

import logging

from lsprotocol import types

from aicmo_lsp.app import AicmoLanguageServer
from aicmo_lsp.clock import startup_summary

log = logging.getLogger(__name__)

WATCHED_GLOBS = ("**/aicmo.toml", "**/pyproject.toml", "**/*.yaml", "**/*.yml", "**/*.json")


def register(server: AicmoLanguageServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: AicmoLanguageServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict):
            ls.initialization_settings = options.get("aicmo", options)
            features = options.get("clientFeatures")
            ls.generation.client_shows_results = isinstance(features, list) and "generationResults" in features
        log.info("aicmo-lsp %s", startup_summary())

    @server.feature(types.INITIALIZED)
    async def initialized(ls: AicmoLanguageServer, params: types.InitializedParams) -> None:
        ls.start_warm_up()
        registrations = []
        workspace = ls.client_capabilities.workspace
        if workspace and workspace.did_change_configuration and workspace.did_change_configuration.dynamic_registration:
            registrations.append(
                types.Registration(
                    id="aicmo-configuration",
                    method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                    register_options=types.DidChangeConfigurationRegistrationOptions(section="aicmo"),
                )
            )
        if workspace and workspace.did_change_watched_files and workspace.did_change_watched_files.dynamic_registration:
            registrations.append(
                types.Registration(
                    id="aicmo-watched-files",
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED_GLOBS]
                    ),
                )
            )
        if registrations:
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=registrations))
            except Exception:
                log.warning("the client refused dynamic registration", exc_info=True)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: AicmoLanguageServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and "aicmo" in settings:
            ls.pushed_settings = settings["aicmo"]
        ls.forget_settings()
        ls.revalidate_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: AicmoLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        del params  # benchmark and config caches check file times themselves
        ls.revalidate_all()
